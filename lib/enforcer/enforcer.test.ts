import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEnforcer } from "./enforcer.js";
import { ReasonCode } from "./errors.js";
import type { EnforcerPolicy } from "./policy.js";
import { createMemoryRateLimiter } from "./rate-limit-memory.js";
import { createRecordingSink } from "./telemetry-sink.js";
import { type JwksServer, startJwksServer } from "./test-utils/jwks-server.js";
import { createTestKey, createToken } from "./test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "./test-utils/policy.js";
import type { AuthContext } from "./types.js";

const NOW_SEC = 1_700_000_000;
const key = createTestKey("RS256", "k1");
let server: JwksServer;
let policy: EnforcerPolicy;
const sink = createRecordingSink();
const now = () => NOW_SEC * 1000;

beforeAll(async () => {
  server = await startJwksServer([key.jwk]);
  policy = testPolicy(server.url, {
    resource: { uri: TEST_RESOURCE, name: "files", allowedOrigins: ["https://app.example.com"] },
  });
});
afterAll(() => server.close());
beforeEach(() => sink.clear());

function jwt(claims: Record<string, unknown> = {}): string {
  return createToken(key, {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    nowSec: NOW_SEC,
    scope: "mcp:tools",
    azp: "client-1",
    ...claims,
  });
}

function rpc(method: string, params?: unknown, headers: Record<string, string> = {}, token = jwt()): Request {
  return new Request(TEST_RESOURCE, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 42, method, params }),
  });
}

const echo = async (req: Request, auth: AuthContext) =>
  Response.json({ body: await req.text(), sub: auth.token.subject, tool: auth.tool, method: req.method });

describe("createEnforcer", () => {
  it("fails at startup on a policy it cannot enforce", () => {
    expect(() => createEnforcer({ policy: { ...policy, idp: { ...policy.idp, jwksUri: "nope" } } })).toThrow(TypeError);
    expect(() => createEnforcer({ policy, maxBodyBytes: 0 })).toThrow(TypeError);
  });

  it("authorizes, forwards the same body and auth context, and records the decision", async () => {
    const enforcer = createEnforcer({ policy, sink, now });
    const res = await enforcer.handle(rpc("tools/call", { name: "read_file" }), echo);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { body: string; sub: string; tool: string };
    expect(JSON.parse(body.body)).toMatchObject({ id: 42, method: "tools/call" });
    expect(body).toMatchObject({ sub: "user-1", tool: "read_file" });
    expect(sink.ofType("decision")).toMatchObject([
      {
        outcome: "allow",
        resource: TEST_RESOURCE,
        clientId: "client-1",
        subject: "user-1",
        method: "tools/call",
        tool: "read_file",
        cacheHit: false,
      },
    ]);
    expect(sink.ofType("decision")[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("reports cache hits for repeated tokens", async () => {
    const enforcer = createEnforcer({ policy, sink, now });
    const token = jwt();
    await enforcer.authorize(rpc("ping", undefined, {}, token));
    const d = await enforcer.authorize(rpc("ping", undefined, {}, token));
    expect(d.allowed && d.auth.cacheHit).toBe(true);
  });

  it("denies with the JSON-RPC id of the request and records the reason", async () => {
    const enforcer = createEnforcer({ policy, sink, now });
    const res = await enforcer.handle(rpc("tools/call", { name: "write_file" }), echo);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      id: 42,
      error: { data: { reason: "insufficient_scope", scope: "mcp:tools files:write" } },
    });
    expect(sink.ofType("decision")[0]).toMatchObject({
      outcome: "deny",
      reason: "insufficient_scope",
      tool: "write_file",
    });
  });

  it("needs only a valid token for GET (SSE) and DELETE, and does not read their bodies", async () => {
    const enforcer = createEnforcer({ policy, now });
    for (const method of ["GET", "DELETE"]) {
      const res = await enforcer.handle(
        new Request(TEST_RESOURCE, { method, headers: { authorization: `Bearer ${jwt({ scope: "" })}` } }),
        echo,
      );
      expect(res.status).toBe(200);
      expect(((await res.json()) as { method: string }).method).toBe(method);
    }
  });

  it("serves RFC 9728 metadata without a token at both paths", async () => {
    const enforcer = createEnforcer({ policy, now });
    for (const path of enforcer.metadataPaths()) {
      const res = await enforcer.handle(new Request(`https://mcp.example.com${path}`), echo);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resource: string }).resource).toBe(TEST_RESOURCE);
    }
    expect(enforcer.metadata().bearer_methods_supported).toEqual(["header"]);
  });

  it("answers preflights and adds CORS headers for allowed origins only", async () => {
    const enforcer = createEnforcer({ policy, now });
    const pre = await enforcer.handle(
      new Request(TEST_RESOURCE, {
        method: "OPTIONS",
        headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
      }),
      echo,
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    const ok = await enforcer.handle(rpc("ping", undefined, { origin: "https://app.example.com" }), echo);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const denied = await enforcer.handle(rpc("ping", undefined, { origin: "https://evil.example" }), echo);
    expect(denied.status).toBe(403);
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("runs the response filter on allowed responses", async () => {
    const enforcer = createEnforcer({
      policy,
      now,
      responseFilter: async (res, auth, e) =>
        Response.json({ allowed: e.allowedTools(auth, ["read_file", "write_file"]), status: res.status }),
    });
    const res = await enforcer.handle(rpc("tools/list"), echo);
    expect(await res.json()).toEqual({ allowed: ["read_file"], status: 200 });
  });

  it("fails closed with 503 policy_unavailable while no policy is loaded", async () => {
    let current: EnforcerPolicy | undefined;
    const enforcer = createEnforcer({ policy: () => current, sink, now });
    const res = await enforcer.handle(rpc("ping"), echo);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { data: { reason: ReasonCode.PolicyUnavailable } } });
    current = policy;
    expect((await enforcer.handle(rpc("ping"), echo)).status).toBe(200);
  });

  it("keeps cached tokens across a tools-only policy swap, but not across an IdP rule change", async () => {
    let current = policy;
    const enforcer = createEnforcer({ policy: () => current, now });
    const token = jwt();
    await enforcer.authorize(rpc("ping", undefined, {}, token));
    current = { ...policy, tools: [{ name: "other", enabled: true, scopes: [] }] };
    const same = await enforcer.authorize(rpc("ping", undefined, {}, token));
    expect(same.allowed && same.auth.cacheHit).toBe(true);
    // Tightening the audience must reject the token that was cached under the old rules.
    current = { ...policy, idp: { ...policy.idp, audiences: ["api://someone-else"] } };
    const after = await enforcer.authorize(rpc("ping", undefined, {}, token));
    expect(after.allowed).toBe(false);
    expect(!after.allowed && after.error.code).toBe(ReasonCode.AudienceMismatch);
  });

  it("refuses bodies over maxBodyBytes with 413", async () => {
    const enforcer = createEnforcer({ policy, now, maxBodyBytes: 100 });
    const res = await enforcer.handle(
      rpc("tools/call", { name: "read_file", arguments: { pad: "x".repeat(200) } }),
      echo,
    );
    expect(res.status).toBe(413);
  });
});

describe("rate limits", () => {
  it("limits tool calls per client and emits a rate_limit event", async () => {
    const limited = testPolicy(server.url, { rateLimits: { toolInvocationsPerMin: 2 } });
    const enforcer = createEnforcer({ policy: limited, sink, now, rateLimiter: createMemoryRateLimiter({ now }) });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await enforcer.handle(rpc("tools/call", { name: "read_file" }), echo)).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Other methods are not counted against the tool budget.
    expect((await enforcer.handle(rpc("tools/list"), echo)).status).toBe(200);
    expect(sink.ofType("rate_limit")).toMatchObject([
      { clientId: "client-1", category: "tool", resource: TEST_RESOURCE },
    ]);
  });

  it("locks out an address after repeated failed authentications, but never for missing tokens", async () => {
    const strict = testPolicy(server.url, { rateLimits: { failedAuthMax: 2 } });
    const enforcer = createEnforcer({
      policy: strict,
      sink,
      now,
      rateLimiter: createMemoryRateLimiter({ now }),
      clientAddress: (req) => req.headers.get("x-test-ip") ?? undefined,
    });
    const bad = (ip: string) => rpc("ping", undefined, { "x-test-ip": ip }, `${jwt()}x`);
    const none = new Request(TEST_RESOURCE, { method: "POST", headers: { "x-test-ip": "10.0.0.2" }, body: "{}" });
    for (let i = 0; i < 5; i++) expect((await enforcer.handle(none, echo)).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await enforcer.handle(bad("10.0.0.1"), echo)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Even a valid token from the locked address waits; other addresses are unaffected.
    expect((await enforcer.handle(rpc("ping", undefined, { "x-test-ip": "10.0.0.1" }), echo)).status).toBe(429);
    expect((await enforcer.handle(rpc("ping", undefined, { "x-test-ip": "10.0.0.2" }), echo)).status).toBe(200);
    expect(sink.ofType("rate_limit")).toMatchObject([{ category: "failed_auth", clientId: "10.0.0.1" }]);
  });
});
