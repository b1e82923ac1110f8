import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createEnforcer } from "./enforcer.js";
import { EnforcerError, ReasonCode } from "./errors.js";
import { createMemoryRateLimiter } from "./limits/memory.js";
import type { RateLimiter } from "./limits/types.js";
import type { EnforcerPolicy } from "./policy.js";
import { fanOutSink } from "./telemetry/client.js";
import { DECISION_TIMING_BUDGET } from "./telemetry/decision.js";
import { createRecordingSink } from "./telemetry/sink.js";
import type { DecisionEvent } from "./telemetry/types.js";
import { type JwksServer, startJwksServer } from "./test-utils/jwks-server.js";
import { createTestKey, createToken } from "./test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "./test-utils/policy.js";
import type { AuthContext, Decision, RequestParts } from "./types.js";

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

  it("hands decisions to a sink's `decision` as one reused record, and to an emit-only sink as events of its own", async () => {
    // Issue 17: no event object per request for the shipped sinks (metrics, the telemetry client), which copy
    // the record at once; a sink with only `emit` (this recording one, a user's) may keep what it gets.
    const seen: { record: unknown; tool: string | undefined; clientName: string | undefined }[] = [];
    const fast = {
      emit: () => {
        throw new Error("a sink with `decision` gets decisions there");
      },
      decision: (e: Readonly<DecisionEvent>) => seen.push({ record: e, tool: e.tool, clientName: e.clientName }),
    };
    const hello = { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw-test", version: "1.0" } };
    const enforcer = createEnforcer({ policy, sink: fanOutSink(fast, sink), now });
    await enforcer.authorize(rpc("initialize", hello));
    await enforcer.authorize(rpc("tools/call", { name: "read_file" }));
    await enforcer.authorize(rpc("tools/call", { name: "write_file" }));
    expect(seen.map((s) => [s.tool, s.clientName])).toEqual([
      [undefined, "raw-test"],
      ["read_file", undefined],
      ["write_file", undefined],
    ]);
    expect(seen[1]?.record).toBe(seen[0]?.record); // the same object, refilled
    expect(seen[2]?.record).toBe(seen[0]?.record);
    // The emit-only sink kept three distinct events that later requests did not change, each with only the
    // fields that were set (no clientName key without a clientInfo).
    const events = sink.ofType("decision");
    expect(events.map((e) => [e.method, e.tool, e.outcome, e.clientName, e.clientVersion])).toEqual([
      ["initialize", undefined, "allow", "raw-test", "1.0"],
      ["tools/call", "read_file", "allow", undefined, undefined],
      ["tools/call", "write_file", "deny", undefined, undefined],
    ]);
    expect(new Set(events).size).toBe(3);
    expect(events.every((e) => e !== seen[0]?.record)).toBe(true);
    expect("clientName" in (events[1] as object)).toBe(false);
    expect(events[0]?.clientName).toBe(seen[0]?.clientName);
  });

  it("reads the wall clock once per cache hit, with or without telemetry, and times a sampled sink's budget", async () => {
    const parts = (token: string): RequestParts => ({
      method: "POST",
      url: TEST_RESOURCE,
      header: (name) =>
        name === "authorization" ? `Bearer ${token}` : name === "content-type" ? "application/json" : null,
      readBody: () => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_file" } }),
    });
    // A token valid now (the enforcer's own clock, not the fixed test clock).
    const nowSec = Math.floor(Date.now() / 1000);
    const token = createToken(key, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      scope: "mcp:tools",
      azp: "client-1",
      nowSec,
    });
    // No sink, a sink that takes every latency, and one that takes sampled timing (the shipped client's).
    const sampled = { emit: () => {}, decision: () => {}, decisionTiming: "sampled" as const };
    for (const [name, withSink] of [
      ["none", undefined],
      ["every", sink],
      ["sampled", sampled],
    ] as const) {
      // Spied before the enforcer exists: its default clock is whatever `Date.now` is then. A fixed reading, so
      // every decision falls in one timing window.
      const reads = vi.spyOn(Date, "now").mockReturnValue(nowSec * 1000 + 500);
      const monotonic = vi.spyOn(performance, "now");
      try {
        const enforcer = createEnforcer({ policy, ...(withSink ? { sink: withSink } : {}) });
        expect((await enforcer.authorizeParts(parts(token))).allowed).toBe(true); // the miss: JWKS and signature
        reads.mockClear();
        monotonic.mockClear();
        for (let i = 0; i < 100; i++) expect((await enforcer.authorizeParts(parts(token))).allowed).toBe(true);
        // One reading per request: the verified-token cache, the JWKS freshness check and the decision's
        // timestamp share it, with or without telemetry.
        expect(reads.mock.calls.length, name).toBe(100);
        // The decision's latency: two monotonic readings per request, or per timed one (the miss took one of
        // the window's 32).
        const expected = { none: 0, every: 200, sampled: 2 * (DECISION_TIMING_BUDGET - 1) }[name];
        expect(monotonic.mock.calls.length, name).toBe(expected);
      } finally {
        reads.mockRestore();
        monotonic.mockRestore();
      }
    }
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

  // Issue 10 #5: GET and DELETE carry no JSON-RPC method, but a token without any MCP scope may not use them.
  it("needs an MCP scope for GET (SSE) and DELETE, and does not read their bodies", async () => {
    const enforcer = createEnforcer({ policy, now });
    for (const method of ["GET", "DELETE"]) {
      const res = await enforcer.handle(
        new Request(TEST_RESOURCE, { method, headers: { authorization: `Bearer ${jwt({ scope: "mcp:tools" })}` } }),
        echo,
      );
      expect(res.status).toBe(200);
      expect(((await res.json()) as { method: string }).method).toBe(method);
      const weak = await enforcer.handle(
        new Request(TEST_RESOURCE, { method, headers: { authorization: `Bearer ${jwt({ scope: "openid" })}` } }),
        echo,
      );
      expect(weak.status).toBe(403);
      expect(weak.headers.get("www-authenticate")).toContain('scope="mcp:tools"');
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
    // write_file needs files:write; the default `toolsNeedingScope: "show"` lists it for step-up (issue 20).
    expect(await res.json()).toEqual({ allowed: ["read_file", "write_file"], status: 200 });
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

describe("authorizeParts", () => {
  /** The parts of a Fetch request, with a counter of body reads; the body handed over as a plain string. */
  async function partsOf(request: Request) {
    const text = await request.clone().text();
    const reads = { count: 0 };
    const parts: RequestParts = {
      method: request.method,
      url: request.url,
      header: (name) => request.headers.get(name),
      readBody: () => {
        reads.count++;
        return text;
      },
    };
    return { parts, reads };
  }

  const summary = async (d: Decision) =>
    d.allowed
      ? { allowed: true, method: d.auth.method, tool: d.auth.tool, body: d.body, sub: d.auth.token.subject }
      : {
          allowed: false,
          code: d.error.code,
          status: d.response.status,
          challenge: d.response.headers.get("www-authenticate"),
          body: await d.response.text(),
        };

  it.each([
    ["an allowed tool call", () => rpc("tools/call", { name: "read_file" })],
    ["insufficient scope", () => rpc("tools/call", { name: "write_file" })],
    ["no token", () => new Request(TEST_RESOURCE, { method: "POST", body: "{}" })],
    ["a token in the query", () => new Request(`${TEST_RESOURCE}?access_token=x`, { method: "POST" })],
    ["a refused origin", () => rpc("ping", undefined, { origin: "https://evil.example" })],
    ["a tampered token", () => rpc("ping", undefined, {}, `${jwt()}x`)],
    [
      "a batch",
      () => new Request(TEST_RESOURCE, { method: "POST", headers: { authorization: `Bearer ${jwt()}` }, body: "[]" }),
    ],
    ["a GET", () => new Request(TEST_RESOURCE, { headers: { authorization: `Bearer ${jwt()}` } })],
  ])("decides %s exactly as authorize(Request) does", async (_label, make) => {
    const enforcer = createEnforcer({ policy, now });
    const viaRequest = await summary(await enforcer.authorize(make()));
    const { parts } = await partsOf(make());
    expect(await summary(await enforcer.authorizeParts(parts))).toEqual(viaRequest);
  });

  it("reads the body once, only for a POST whose token is valid", async () => {
    const enforcer = createEnforcer({ policy, now });
    const allowed = await partsOf(rpc("ping"));
    expect((await enforcer.authorizeParts(allowed.parts)).allowed).toBe(true);
    const badToken = await partsOf(rpc("ping", undefined, {}, `${jwt()}x`));
    await enforcer.authorizeParts(badToken.parts);
    const get = await partsOf(new Request(TEST_RESOURCE, { headers: { authorization: `Bearer ${jwt()}` } }));
    await enforcer.authorizeParts(get.parts);
    expect([allowed.reads.count, badToken.reads.count, get.reads.count]).toEqual([1, 0, 0]);
  });

  it("refuses a token with whitespace inside as token_malformed, also when it starts with a cached token", async () => {
    const enforcer = createEnforcer({ policy, now });
    const token = jwt();
    expect((await enforcer.authorize(rpc("ping", undefined, {}, token))).allowed).toBe(true);
    for (const spaced of [`${token} x`, `${token}\tx`, `${token}\u00a0x`]) {
      const d = await enforcer.authorize(
        new Request(TEST_RESOURCE, { method: "POST", headers: { authorization: `Bearer ${spaced}` }, body: "{}" }),
      );
      expect(!d.allowed && d.error.code).toBe(ReasonCode.TokenMalformed);
    }
  });

  it("asks the verified-token cache again after waiting on the rate limiter", async () => {
    // The token is cached; while the lockout check waits, time passes beyond its exp plus leeway. Reusing
    // the cache answer read before the wait would allow it; asking again finds it gone and refuses it.
    let nowMs = NOW_SEC * 1000;
    const token = jwt({ exp: NOW_SEC + 60 });
    const limiter = createMemoryRateLimiter({ now: () => nowMs });
    const slowPeek: RateLimiter = {
      hit: limiter.hit,
      peek: async (key, limit, windowSec) => {
        nowMs = (NOW_SEC + 60 + 31) * 1000;
        return limiter.peek ? limiter.peek(key, limit, windowSec) : { allowed: true, retryAfterSec: 0, remaining: 1 };
      },
    };
    const enforcer = createEnforcer({
      policy,
      now: () => nowMs,
      rateLimiter: slowPeek,
      clientAddress: () => "192.0.2.1",
    });
    const { parts: first } = await partsOf(rpc("ping", undefined, {}, token));
    first.clientAddress = undefined; // no lockout check: caches the token at NOW_SEC
    expect((await enforcer.authorizeParts(first)).allowed).toBe(true);
    nowMs = NOW_SEC * 1000;
    const { parts: second } = await partsOf(rpc("ping", undefined, {}, token));
    second.clientAddress = "192.0.2.1";
    const d = await enforcer.authorizeParts(second);
    expect(!d.allowed && d.error.code).toBe(ReasonCode.TokenExpired);
  });

  it("turns a body reader's EnforcerError into that denial", async () => {
    const enforcer = createEnforcer({ policy, now });
    const { parts } = await partsOf(rpc("ping"));
    parts.readBody = () => Promise.reject(new EnforcerError(ReasonCode.BodyTooLarge, "too big"));
    const d = await enforcer.authorizeParts(parts);
    expect(!d.allowed && [d.error.code, d.response.status]).toEqual([ReasonCode.BodyTooLarge, 413]);
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
