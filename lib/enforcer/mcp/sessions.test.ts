import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "../enforcer.js";
import { EnforcerError, ReasonCode } from "../errors.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey, createToken } from "../test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "../test-utils/policy.js";
import type { ValidatedToken } from "../token/types.js";
import { createSessionRegistry } from "./sessions.js";

const tok = (subject: string, clientId = "c1", iss = "https://idp.test/"): ValidatedToken => ({
  claims: { iss, sub: subject },
  subject,
  clientId,
  scopes: [],
  roles: [],
  expiresAt: 0,
});

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof EnforcerError ? err.code : "other";
  }
}

describe("createSessionRegistry (issue 10 #5)", () => {
  it("refuses another issuer, subject or client on a bound session", () => {
    const sessions = createSessionRegistry();
    sessions.bind("s1", tok("alice"));
    expect(codeOf(() => sessions.check("s1", tok("alice")))).toBeUndefined();
    for (const other of [tok("bob"), tok("alice", "c2"), tok("alice", "c1", "https://other.test/")]) {
      expect(codeOf(() => sessions.check("s1", other))).toBe(ReasonCode.SessionMismatch);
    }
  });

  it("binds an unseen session to its first user", () => {
    const sessions = createSessionRegistry();
    sessions.check("s2", tok("carol"));
    expect(codeOf(() => sessions.check("s2", tok("mallory")))).toBe(ReasonCode.SessionMismatch);
  });

  it("keeps at most maxSessions (least recently used evicted) and forgets idle sessions", () => {
    let t = 0;
    const sessions = createSessionRegistry({ maxSessions: 3, idleTtlSec: 60, now: () => t });
    for (let i = 0; i < 10_000; i++) sessions.bind(`s${i}`, tok(`u${i}`));
    expect(sessions.size).toBe(3);
    sessions.bind("kept", tok("alice"));
    t = 61_000;
    expect(codeOf(() => sessions.check("kept", tok("bob")))).toBeUndefined(); // expired: bound anew
    expect(() => createSessionRegistry({ maxSessions: 0 })).toThrow(TypeError);
  });
});

describe("the core binds a session at its initialize response", () => {
  const key = createTestKey("RS256", "k1");
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
  });
  afterAll(() => jwks.close());
  const jwt = (sub: string) =>
    createToken(key, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      nowSec: Math.floor(Date.now() / 1000),
      sub,
      scope: "mcp:tools",
    });
  const req = (sub: string, body: unknown, session?: string) =>
    new Request(TEST_RESOURCE, {
      method: "POST",
      headers: {
        authorization: `Bearer ${jwt(sub)}`,
        "content-type": "application/json",
        ...(session ? { "mcp-session-id": session } : {}),
      },
      body: JSON.stringify(body),
    });

  it("refuses the first use of a fresh session by another user (403 session_mismatch, no step-up error)", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url) });
    const init = { jsonrpc: "2.0", id: 0, method: "initialize", params: {} };
    const created = await enforcer.handle(req("alice", init), async () =>
      Response.json({ jsonrpc: "2.0", id: 0, result: {} }, { headers: { "mcp-session-id": "sess-A" } }),
    );
    expect(created.status).toBe(200);
    const ok = async () => new Response("ok");
    const stolen = await enforcer.handle(req("bob", { jsonrpc: "2.0", id: 1, method: "ping" }, "sess-A"), ok);
    expect(stolen.status).toBe(403);
    expect(stolen.headers.get("www-authenticate")).not.toContain("error=");
    expect(((await stolen.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      "session_mismatch",
    );
    const own = await enforcer.handle(req("alice", { jsonrpc: "2.0", id: 2, method: "ping" }, "sess-A"), ok);
    expect(own.status).toBe(200);
    const off = createEnforcer({ policy: testPolicy(jwks.url), sessions: false });
    expect((await off.handle(req("bob", { jsonrpc: "2.0", id: 1, method: "ping" }, "sess-A"), ok)).status).toBe(200);
  });
});
