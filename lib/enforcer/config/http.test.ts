import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ConfigGet, createNodeGet, fetchGet } from "./http.js";

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((resolve) => s.close(resolve));
});

/** A loopback server; counts connections and requests per path. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen = { connections: 0, paths: [] as string[] };
  server = createServer((req, res) => {
    seen.paths.push(req.url ?? "");
    handler(req, res);
  });
  server.on("connection", () => seen.connections++);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen };
}

const opts = (extra: Partial<Parameters<ConfigGet>[2]> = {}) => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  maxBytes: 1024,
  ...extra,
});

describe.each([
  ["node:http", createNodeGet],
  ["an injected fetch", () => fetchGet(globalThis.fetch)],
] as const)("config GET over %s", (_, make) => {
  it("reads a 200's body and headers, and sends the given headers", async () => {
    let auth: string | undefined;
    const { base } = await serve((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { etag: '"v1"', "x-portcullis-latest-version": "a.b.c" }).end("header.payload.sig");
    });
    const res = await make()(new URL("/api/v1/enforcer/config", base), { authorization: "Bearer pcl_x" }, opts());
    expect([res.status, res.text, res.header("etag"), res.header("x-portcullis-latest-version")]).toEqual([
      200,
      "header.payload.sig",
      '"v1"',
      "a.b.c",
    ]);
    expect(res.header("x-absent")).toBeNull();
    expect(auth).toBe("Bearer pcl_x");
  });

  it("stops reading a body past the cap", async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200);
      res.write("x".repeat(1000));
      res.end("y".repeat(1000));
    });
    const res = await make()(new URL(base), {}, opts({ maxBytes: 1500 }));
    expect(res.status).toBe(200);
    expect(res.text).toBeUndefined();
  });

  it("does not follow a redirect (the credential stays with the configured origin)", async () => {
    const { base, seen } = await serve((req, res) => {
      if (req.url === "/elsewhere") res.end("should not be fetched");
      else res.writeHead(302, { location: "/elsewhere" }).end();
    });
    const res = await make()(new URL("/api/v1/enforcer/config", base), { authorization: "Bearer pcl_x" }, opts());
    expect(res.status).toBe(302);
    expect(seen.paths).toEqual(["/api/v1/enforcer/config"]);
  });

  it("gives up on abort and after the timeout", async () => {
    const { base } = await serve(() => undefined); // never answers
    const abort = new AbortController();
    const pending = make()(new URL(base), {}, opts({ signal: abort.signal }));
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow();
    const started = Date.now();
    await expect(make()(new URL(base), {}, opts({ timeoutMs: 100 }))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("createNodeGet", () => {
  it("keeps one connection alive across polls, and drains non-200 answers", async () => {
    let n = 0;
    const { base, seen } = await serve((_req, res) => {
      n++;
      if (n === 2) res.writeHead(304).end();
      else if (n === 3) res.writeHead(503, { "retry-after": "1" }).end("busy");
      else res.end(`bundle-${n}`);
    });
    const get = createNodeGet();
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await get(new URL(base), {}, opts());
      answers.push([res.status, res.text]);
    }
    expect(answers).toEqual([
      [200, "bundle-1"],
      [304, ""],
      [503, ""],
      [200, "bundle-4"],
    ]);
    expect(seen.connections).toBe(1);
  });

  it("refuses a URL that is not http or https", async () => {
    await expect(createNodeGet()(new URL("file:///etc/passwd"), {}, opts())).rejects.toThrow(/unsupported protocol/);
  });
});
