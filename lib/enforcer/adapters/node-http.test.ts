import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, connect } from "node:net";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { createEnforcer } from "../enforcer.js";
import { EnforcerError, ReasonCode } from "../errors.js";
import { createMemoryRateLimiter } from "../limits/rate-limit.js";
import { EnforcerPolicy } from "../policy.js";
import { createRecordingSink } from "../telemetry/sink.js";
import type { Decision, Enforcer } from "../types.js";
import { createNodeHandler, type EnforcedRequest, nodeClientAddress, type RequestParts } from "./node-http.js";
import { collectBody, requestUrl } from "./node-request.js";

let idp: TestIdp;
let server: Server;
let base = "";
let enforcer: Enforcer;
let seen: EnforcedRequest | undefined;
/** What the downstream handler writes for tools/list: set per test. */
let downstream: (req: EnforcedRequest, res: ServerResponse) => void = (_req, res) => res.end("ok");

const TOOLS = [{ name: "read_file" }, { name: "delete_file" }, { name: "secret_tool" }];
const listJson = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: TOOLS } });
const rpc = (method: string, params?: unknown) => JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });

async function send(opts: {
  path?: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
}) {
  return new Promise<{ status: number; headers: IncomingMessage["headers"]; text: string }>((resolve, reject) => {
    const req = httpRequest(
      `${base}${opts.path ?? "/mcp"}`,
      // A 2025-11-25 client sends MCP-Protocol-Version on every request after initialize (issue 22).
      { method: opts.method ?? "POST", headers: { "mcp-protocol-version": "2025-11-25", ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  idp = await startTestIdp({ shape: "oidc" });
  const policy = EnforcerPolicy.parse({
    resource: { uri: "https://mcp.example.test/mcp", name: "files" },
    idp: {
      kind: "oidc",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [idp.audience],
      authorizationServers: [idp.issuer],
    },
    tools: [{ name: "read_file" }, { name: "delete_file", scopes: ["files:delete"] }],
    // These tests check the filter's mechanics: hide the tool the token lacks a scope for (default is show).
    toolsNeedingScope: "hide",
    rateLimits: { failedAuthMax: 2, failedAuthWindowSec: 60, failedAuthBlockSec: 60 },
  });
  enforcer = createEnforcer({ policy, rateLimiter: createMemoryRateLimiter(), clientAddress: nodeClientAddress });
  const handler = createNodeHandler(
    enforcer,
    (req, res) => {
      seen = req;
      if (req.headers["x-throw"]) throw new Error("boom: internal detail");
      downstream(req, res);
    },
    { clientAddress: (req) => req.socket.remoteAddress },
  );
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await idp.close();
});

describe("createNodeHandler", () => {
  it("answers 401 with the RFC 9728 challenge when no token is sent, without calling the handler", async () => {
    seen = undefined;
    const res = await send({ body: rpc("tools/list") });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(
      'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"',
    );
    expect(JSON.parse(res.text).error.data.reason).toBe("token_missing");
    expect(seen).toBeUndefined();
  });

  it("serves the metadata document at the path-suffixed and root well-known paths", async () => {
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const res = await send({ path, method: "GET" });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({
        resource: "https://mcp.example.test/mcp",
        authorization_servers: [idp.issuer],
      });
    }
  });

  it("hands an allowed call to the handler with the SDK AuthInfo and the parsed body", async () => {
    const token = await idp.mintAccessToken({ sub: "alice", clientId: "agent-1", scopes: ["mcp:tools"] });
    downstream = (_req, res) => res.end("done");
    const res = await send({
      headers: { authorization: `Bearer ${token}` },
      body: rpc("tools/call", { name: "read_file" }),
    });
    expect([res.status, res.text]).toEqual([200, "done"]);
    expect(seen?.auth).toMatchObject({
      token,
      clientId: "agent-1",
      scopes: ["mcp:tools"],
      extra: { sub: "alice", tool: "read_file" },
    });
    expect(seen?.auth?.resource?.href).toBe("https://mcp.example.test/mcp");
    expect(seen?.body).toEqual({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_file" } });
    expect(seen?.portcullis?.method).toBe("tools/call");
  });

  it("gives every request the same read-only resource URL, which no handler can change for the next", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    downstream = (_req, res) => res.end("done");
    await send({ headers: { authorization: `Bearer ${token}` }, body: rpc("ping") });
    const first = seen?.auth?.resource;
    expect(first).toBeInstanceOf(URL);
    expect(() => {
      if (first) first.pathname = "/elsewhere";
    }).toThrow(TypeError);
    first?.searchParams.set("tampered", "1"); // a copy: the URL itself is unchanged
    expect({ ...seen?.auth }.resource?.href).toBe("https://mcp.example.test/mcp");
    await send({ headers: { authorization: `Bearer ${token}` }, body: rpc("ping") });
    expect(seen?.auth?.resource?.href).toBe("https://mcp.example.test/mcp");
    expect(new URL(String(seen?.auth?.resource)).href).toBe("https://mcp.example.test/mcp");
  });

  it.each([
    ["a tool outside the allowlist", { name: "secret_tool" }, 403, "tool_not_allowed"],
    ["a tool needing a scope the token lacks", { name: "delete_file" }, 403, "insufficient_scope"],
  ])("refuses %s", async (_label, params, status, reason) => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const res = await send({ headers: { authorization: `Bearer ${token}` }, body: rpc("tools/call", params) });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.text).error.data.reason).toBe(reason);
  });

  it("refuses duplicate Authorization headers (Node would silently keep the first) and tokens in the query", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const dup = await send({ headers: { authorization: [`Bearer ${token}`, "Bearer other"] }, body: rpc("ping") });
    expect([dup.status, JSON.parse(dup.text).error.data.reason]).toEqual([400, "request_malformed"]);
    const query = await send({
      path: `/mcp?access_token=${token}`,
      headers: { authorization: `Bearer ${token}` },
      body: rpc("ping"),
    });
    expect([query.status, JSON.parse(query.text).error.data.reason]).toEqual([400, "token_in_query"]);
  });

  it("refuses an oversized body with 413 before authorizing", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const big = rpc("tools/call", { name: "read_file", arguments: { pad: "x".repeat(1024 * 1024) } });
    const res = await send({ headers: { authorization: `Bearer ${token}` }, body: big });
    expect([res.status, JSON.parse(res.text).error.data.reason]).toEqual([413, "body_too_large"]);
  });

  it("filters a JSON tools/list response and fixes Content-Length", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    downstream = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(listJson) });
      res.write(listJson.slice(0, 20));
      res.end(listJson.slice(20));
    };
    const res = await send({ headers: { authorization: `Bearer ${token}` }, body: rpc("tools/list") });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).result.tools).toEqual([{ name: "read_file" }]); // delete_file needs files:delete
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.text));
  });

  it("filters an SSE tools/list response written in pieces that split an event", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools", "files:delete"] });
    const wire = `id: 1\ndata: \n\nevent: message\ndata: ${listJson}\n\n`;
    downstream = (_req, res) => {
      res.statusCode = 200;
      res.setHeader("content-type", "text/event-stream");
      for (let i = 0; i < wire.length; i += 7) res.write(Buffer.from(wire.slice(i, i + 7)));
      res.end();
    };
    const res = await send({ headers: { authorization: `Bearer ${token}` }, body: rpc("tools/list") });
    expect(res.headers["content-type"]).toBe("text/event-stream");
    const events = res.text.split("\n\n").filter(Boolean);
    expect(events[0]).toBe("id: 1\ndata: ");
    const data = JSON.parse(events[1]?.split("data: ")[1] ?? "null");
    expect(data.result.tools).toEqual([{ name: "read_file" }, { name: "delete_file" }]);
  });

  it("does not touch the responses of other methods", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    downstream = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(listJson);
    const res = await send({
      headers: { authorization: `Bearer ${token}` },
      body: rpc("tools/call", { name: "read_file" }),
    });
    expect(res.text).toBe(listJson);
  });

  it("turns a handler exception into a generic 500", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    const res = await send({ headers: { authorization: `Bearer ${token}`, "x-throw": "1" }, body: rpc("ping") });
    expect(res.status).toBe(500);
    expect(res.text).not.toContain("boom");
  });

  it("locks out a client address after repeated failed authentications (clientAddress option)", async () => {
    const bad = { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.AAAA" };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send({ headers: bad, body: rpc("ping") })).status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429); // failedAuthMax is 2: by the fourth attempt the address is locked
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    expect((await send({ headers: { authorization: `Bearer ${token}` }, body: rpc("ping") })).status).toBe(429);
  });
});

describe("requestUrl", () => {
  const fake = (headers: Record<string, string>, url = "/mcp?x=1") =>
    ({ url, headers, socket: {} }) as unknown as IncomingMessage;

  it("uses the configured base, else Host; forwarded headers only when trusted", () => {
    const req = fake({ host: "evil.test", "x-forwarded-host": "proxy.test", "x-forwarded-proto": "https" });
    expect(requestUrl(req, { baseUrl: "https://mcp.example.com" })).toBe("https://mcp.example.com/mcp?x=1");
    expect(requestUrl(req, {})).toBe("http://evil.test/mcp?x=1");
    expect(requestUrl(req, { trustProxy: true })).toBe("https://proxy.test/mcp?x=1");
    expect(requestUrl(fake({ host: "a b/@c" }), {})).toBe("http://localhost/mcp?x=1");
  });

  // The common target skips the URL parser; the result must be what the parser gives, byte for byte.
  it.each([
    "/mcp",
    "/mcp?x=1&y=a:b@c",
    "/api/v1/mcp?cursor=abc-_.~!$&'()*+,;=",
    "//evil.example/x",
    "/a/./b/../mcp",
    "/.well-known/oauth-protected-resource/mcp",
    "/%2e%2e/mcp",
    "/m cp?q=a b",
    '/mcp?q="<x>"',
    "/mcp?q=`{|}^",
    "/caf\u00e9",
    "/mcp\\x",
    "/mcp#frag",
  ])("resolves %j exactly as new URL(target, baseUrl) does", (target) => {
    for (const baseUrl of ["https://mcp.example.com", "https://mcp.example.com/base/", "http://u:p@[::1]:8443/x"]) {
      expect(requestUrl(fake({ host: "h" }, target), { baseUrl })).toBe(new URL(target, baseUrl).href);
    }
  });
});

describe("failed-auth lockout through the Node adapter", () => {
  it("never counts requests without a bearer token (every client's discovery request has none)", async () => {
    const policy = enforcer.policy;
    if (!policy) throw new Error("no policy");
    const local = createEnforcer({
      policy: { ...policy, rateLimits: { ...policy.rateLimits, failedAuthMax: 2, failedAuthBlockSec: 60 } },
      rateLimiter: createMemoryRateLimiter(),
    });
    const listener = createNodeHandler(local, (_req, res) => res.end("ok"), {
      clientAddress: (req) => String(req.headers["x-test-ip"]),
    });
    const own = createServer(listener);
    await new Promise<void>((resolve) => own.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}/mcp`;
    const post = (headers: Record<string, string>) =>
      fetch(url, {
        method: "POST",
        headers: { "x-test-ip": "198.51.100.7", "mcp-protocol-version": "2025-11-25", ...headers },
        body: rpc("ping"),
      });
    try {
      const anonymous: number[] = [];
      for (let i = 0; i < 6; i++) anonymous.push((await post({})).status);
      for (let i = 0; i < 3; i++) anonymous.push((await post({ authorization: "Basic dXNlcjpwYXNz" })).status);
      expect(anonymous).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401]);
      const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
      expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
      // Bad tokens do count: the third failure exceeds failedAuthMax (2) and locks the address, valid token or not.
      const bad: number[] = [];
      for (let i = 0; i < 4; i++)
        bad.push((await post({ authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.AAAA" })).status);
      expect(bad).toEqual([401, 401, 401, 429]);
      expect((await post({ authorization: `Bearer ${token}` })).status).toBe(429);
    } finally {
      own.closeAllConnections();
      await new Promise((resolve) => own.close(resolve));
    }
  });
});

describe("collectBody", () => {
  it("reports a request aborted before anyone listened instead of waiting for an 'end' that never comes", () => {
    const aborted = new PassThrough() as unknown as IncomingMessage;
    aborted.destroy();
    const seenErrors: Error[] = [];
    collectBody(
      aborted,
      1024,
      () => undefined,
      () => undefined,
      (err) => seenErrors.push(err),
    );
    expect(seenErrors).toHaveLength(1);
  });
});

describe("an upload the client abandons", () => {
  it("is refused as request_malformed (the client's problem), not a 500, and the handler never runs", async () => {
    const sink = createRecordingSink();
    const policy = enforcer.policy;
    if (!policy) throw new Error("no policy");
    const local = createEnforcer({ policy, sink });
    let handled = false;
    const own = createServer(
      createNodeHandler(local, (_req, res) => {
        handled = true;
        res.end("ok");
      }),
    );
    await new Promise<void>((resolve) => own.listen(0, "127.0.0.1", resolve));
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"] });
    try {
      const socket = connect((own.address() as AddressInfo).port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await expect.poll(() => sink.ofType("decision").length).toBe(1);
      expect(sink.ofType("decision")[0]).toMatchObject({ outcome: "deny", reason: "request_malformed" });
      expect(handled).toBe(false);
    } finally {
      own.closeAllConnections();
      await new Promise((resolve) => own.close(resolve));
    }
  });
});

describe("the authorizeParts route (when the core offers it)", () => {
  it("passes joined duplicate Authorization values, the lazily read body and the client address", async () => {
    const seenParts: { auth: string | null; origin: string | null; body: string; address?: string; url: string }[] = [];
    const recording = {
      ...enforcer,
      authorizeParts: async (parts: RequestParts): Promise<Decision> => {
        const auth = parts.header("authorization");
        seenParts.push({
          auth,
          origin: parts.header("origin"),
          body: await parts.readBody(),
          address: parts.clientAddress,
          url: parts.url,
        });
        const error = new EnforcerError(ReasonCode.RequestMalformed, "recorded");
        return { allowed: false, error, response: new Response("recorded", { status: 400 }) };
      },
    };
    const listener = createNodeHandler(recording, () => undefined, {
      baseUrl: "https://mcp.example.test",
      clientAddress: () => "203.0.113.9",
    });
    const local = createServer(listener);
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(local.address() as AddressInfo).port}/mcp?x=1`;
    const duplicateAuth: Record<string, string | string[]> = {
      authorization: ["Bearer a", "Bearer b"],
      origin: "https://app.test",
    };
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers: duplicateAuth }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(rpc("ping"));
    });
    local.closeAllConnections();
    await new Promise((resolve) => local.close(resolve));
    expect(res).toBe(400);
    expect(seenParts).toEqual([
      {
        auth: "Bearer a, Bearer b",
        origin: "https://app.test",
        body: rpc("ping"),
        address: "203.0.113.9",
        url: "https://mcp.example.test/mcp?x=1",
      },
    ]);
  });
});
