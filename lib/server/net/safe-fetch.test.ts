import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { checkIdpConnection } from "../idp-profiles/test-connection";
import { listToolsFromServer } from "../resources/import-tools";
import { assertPublicUrl, isPrivateAddress, SafeFetchError, safeFetch } from "./safe-fetch";

/**
 * Issue 10 §8 (SSRF): the server must not fetch loopback, private, link-local or unique-local addresses
 * for an admin, must check every redirect again, and must never echo the upstream body. The db test setup
 * sets ALLOW_PRIVATE_NETWORK_FETCH=true (loopback IdPs everywhere else), so these tests pass
 * `allowPrivate: false` or flip the variable for the two callers.
 */
const servers: Server[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(() =>
  Promise.all(
    servers.map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  ),
);

const kindOf = (p: Promise<unknown>) =>
  p.then(
    () => "fetched",
    (e: unknown) => (e instanceof SafeFetchError ? e.kind : String(e)),
  );

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.5",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "[::1]",
    "fd00::1",
    "fc00::1",
    "fe80::1",
    "fe80::1%eth0",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    "2002:7f00:1::",
    "ff02::1",
    "not-an-ip",
  ])("%s is refused", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001::1"])(
    "%s is public",
    (ip) => expect(isPrivateAddress(ip)).toBe(false),
  );
});

describe("safeFetch with the private network refused", () => {
  const off = { allowPrivate: false } as const;

  it("refuses loopback, private, link-local and unique-local targets before connecting", async () => {
    let hits = 0;
    const base = await serve((_q, r) => {
      hits++;
      r.end("secret");
    });
    const port = new URL(base).port;
    for (const url of [
      `${base}/`,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      "https://10.0.0.1/",
      "https://169.254.169.254/latest/meta-data/",
      "https://[fd00::1]/",
      "https://[fe80::1]/",
      "https://[::ffff:127.0.0.1]/",
    ])
      expect([url, await kindOf(safeFetch(url, {}, off))]).toEqual([url, "private_address"]);
    expect(hits).toBe(0);
    await expect(assertPublicUrl(`http://localhost:${port}/x`, off)).rejects.toMatchObject({ kind: "private_address" });
    await expect(assertPublicUrl("https://10.1.2.3/", off)).rejects.toThrow(/ALLOW_PRIVATE_NETWORK_FETCH=true/);
  });

  it("checks every redirect again: a hop to a private address is refused", async () => {
    let secretHits = 0;
    const inside = await serve((_q, r) => {
      secretHits++;
      r.end('{"secret":true}');
    });
    const insidePort = new URL(inside).port;
    const hops: Record<string, string> = {
      "/to-loopback-alias": `https://127.0.0.2:${insidePort}/`,
      "/to-ipv6-loopback": `http://[::1]:${insidePort}/`,
      "/to-metadata": "https://169.254.169.254/latest/meta-data/",
    };
    const front = await serve((q, r) => r.writeHead(302, { location: hops[q.url ?? ""] ?? "/" }).end());
    // The front server stands for a public host: only its exact address is let through.
    const frontOnly = { allowPrivate: false, allowAddress: (a: string) => a === "127.0.0.1" };
    const plain = await safeFetch(`${front}/elsewhere`, { redirect: "manual" }, frontOnly);
    expect(plain.status).toBe(302);
    for (const path of Object.keys(hops))
      expect([path, await kindOf(safeFetch(`${front}${path}`, {}, frontOnly))]).toEqual([path, "private_address"]);
    expect(secretHits).toBe(0);
  });

  it("caps size and time, and counts redirects", async () => {
    const base = await serve((q, r) => {
      if (q.url === "/big") return r.end("x".repeat(2048));
      if (q.url === "/slow") return setTimeout(() => r.end("late"), 2_000);
      if (q.url === "/loop") return r.writeHead(302, { location: "/loop" }).end();
      r.end("ok");
    });
    const on = { allowPrivate: true } as const;
    const big = await safeFetch(`${base}/big`, {}, { ...on, maxBytes: 1024 });
    await expect(big.text()).rejects.toThrow();
    expect(await kindOf(safeFetch(`${base}/slow`, {}, { ...on, timeoutMs: 200 }))).toBe("timeout");
    expect(await kindOf(safeFetch(`${base}/loop`, {}, on))).toBe("redirect");
    const ok = await safeFetch(`${base}/`, {}, on);
    expect([ok.status, await ok.text()]).toEqual([200, "ok"]);
  });
});

describe("the two callers: IdP Test connection and tools import", () => {
  it("Test connection refuses a loopback IdP and never echoes an upstream body", async () => {
    const base = await serve((q, r) =>
      q.url === "/disc"
        ? r.writeHead(500, "Internal secret-status").end("database password is hunter2")
        : r.writeHead(200, { "content-type": "text/html" }).end("<html>internal admin page</html>"),
    );
    const refused = await checkIdpConnection(
      { issuers: [base], discoveryUrl: `${base}/disc`, jwksUri: `${base}/jwks`, algorithms: ["RS256"] },
      { allowPrivate: false },
    );
    expect(refused.discovery.error).toMatch(/^Refused 127\.0\.0\.1: a loopback, private/);
    expect(refused.jwks.error).toMatch(/^Refused 127\.0\.0\.1/);

    const allowed = await checkIdpConnection(
      { issuers: [base], discoveryUrl: `${base}/disc`, jwksUri: `${base}/jwks`, algorithms: ["RS256"] },
      { allowPrivate: true },
    );
    expect(allowed.discovery.error).toBe(`HTTP 500 from ${base}/disc.`);
    expect(allowed.jwks.error).toBe("The answer is not JSON (text/html); is this the right URL?");
    expect(JSON.stringify(allowed)).not.toMatch(/hunter2|secret-status|internal admin page/);
  });

  it("tools import refuses a loopback MCP server as a field error", async () => {
    const base = await serve((_q, r) => r.end("{}"));
    const saved = process.env.ALLOW_PRIVATE_NETWORK_FETCH;
    const { env } = await import("../env");
    const mutable = env() as { ALLOW_PRIVATE_NETWORK_FETCH: boolean };
    mutable.ALLOW_PRIVATE_NETWORK_FETCH = false;
    try {
      const err = await listToolsFromServer({ serverUrl: `${base}/mcp` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("invalid_input");
      expect((err as AppError).fieldErrors?.serverUrl?.[0]).toMatch(/^Refused 127\.0\.0\.1/);
    } finally {
      mutable.ALLOW_PRIVATE_NETWORK_FETCH = true;
      process.env.ALLOW_PRIVATE_NETWORK_FETCH = saved;
    }
  });
});
