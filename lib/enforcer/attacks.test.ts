/**
 * The attack table: crafted tokens and requests through `createEnforcer(...).handle`, each with the
 * exact status, reason code (JSON-RPC `error.data.reason`) and RFC 6750 `error` parameter. Real
 * JWKS on 127.0.0.1, plus an attacker's key server that must never be contacted.
 */
import { createPublicKey, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "./enforcer.js";
import type { EnforcerPolicy } from "./policy.js";
import { type JwksServer, startJwksServer } from "./test-utils/jwks-server.js";
import { b64url, createTestKey, createToken, signJws } from "./test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "./test-utils/policy.js";
import type { Enforcer } from "./types.js";

const NOW = 1_700_000_000;
const rsa = createTestKey("RS256", "rsa-1");
const ec = createTestKey("ES256", "ec-1");
const attacker = createTestKey("RS256", "attacker-1");
const attackerSameKid = createTestKey("RS256", "rsa-1");
const pem = rsa.publicKey.export({ format: "pem", type: "spki" }).toString();

let jwks: JwksServer;
let evil: JwksServer;
const enforcers: Record<"rs" | "es" | "at", Enforcer> = {} as Record<"rs" | "es" | "at", Enforcer>;

beforeAll(async () => {
  jwks = await startJwksServer([rsa.jwk, ec.jwk]);
  evil = await startJwksServer([attacker.jwk]);
  const base = testPolicy(jwks.url, {
    resource: { uri: TEST_RESOURCE, name: "files", allowedOrigins: ["https://app.example.com"] },
  });
  const policies: Record<"rs" | "es" | "at", EnforcerPolicy> = {
    rs: base,
    es: { ...base, idp: { ...base.idp, algorithms: ["ES256"] } },
    at: { ...base, idp: { ...base.idp, requireTokenType: "at+jwt" } },
  };
  for (const k of ["rs", "es", "at"] as const) {
    // The clock is frozen, so unknown kids are refused at once (no wait for the next forced refresh, which
    // would come after 10 s of real time): the table checks outcomes; rotation-flood.test.ts checks the wait.
    enforcers[k] = createEnforcer({
      policy: policies[k],
      now: () => NOW * 1000,
      maxBodyBytes: 64 * 1024,
      validatorOverrides: { unknownKidMaxWaitMs: 0 },
    });
  }
});
afterAll(async () => {
  await jwks.close();
  await evil.close();
});

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: TEST_ISSUER,
  aud: TEST_AUDIENCE,
  nowSec: NOW,
  scope: "mcp:tools",
  azp: "client-1",
  ...extra,
});
const good = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  createToken(rsa, claims(extra), header);
const payloadOf = (extra: Record<string, unknown> = {}) => ({
  iss: TEST_ISSUER,
  aud: TEST_AUDIENCE,
  sub: "user-1",
  iat: NOW,
  exp: NOW + 900,
  scope: "mcp:tools",
  ...extra,
});

interface Row {
  name: string;
  policy?: "rs" | "es" | "at";
  /** The bearer token (default: sent as `Authorization: Bearer <token>`). */
  token?: () => string;
  request?: () => Request;
  rpc?: unknown;
  status: number;
  reason: string;
  /** RFC 6750 `error` parameter expected in WWW-Authenticate (null: none). */
  bearer: "invalid_token" | "invalid_request" | "insufficient_scope" | null;
}

const call = (name: unknown) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } });

const rows: Row[] = [
  // ── Missing / misplaced credentials ─────────────────────────────────────
  {
    name: "no Authorization header",
    request: () => post(undefined),
    status: 401,
    reason: "token_missing",
    bearer: null,
  },
  {
    name: "Basic credentials instead of a bearer token",
    request: () => post(undefined, { authorization: "Basic dXNlcjpwYXNz" }),
    status: 401,
    reason: "token_missing",
    bearer: null,
  },
  {
    name: "token in the query string",
    request: () => post(undefined, {}, `${TEST_RESOURCE}?access_token=${good()}`),
    status: 400,
    reason: "token_in_query",
    bearer: "invalid_request",
  },
  {
    name: "token in the query and the header",
    request: () => post(good(), {}, `${TEST_RESOURCE}?access_token=${good()}`),
    status: 400,
    reason: "token_in_query",
    bearer: "invalid_request",
  },
  {
    name: "duplicate Authorization headers",
    request: () => dupAuth(good(), good()),
    status: 400,
    reason: "request_malformed",
    bearer: "invalid_request",
  },
  {
    name: "duplicate Authorization headers, second forged",
    request: () => dupAuth(good(), "x.y.z"),
    status: 400,
    reason: "request_malformed",
    bearer: "invalid_request",
  },
  {
    name: "bearer value with trailing junk",
    request: () => post(undefined, { authorization: `Bearer ${good()} extra` }),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  // ── Algorithm confusion ─────────────────────────────────────────────────
  {
    name: "alg none, no signature",
    token: () => `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payloadOf())}.`,
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "alg none with the real kid",
    token: () => `${b64url({ alg: "none", kid: "rsa-1" })}.${b64url(payloadOf())}.`,
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "alg NoNe (case variant)",
    token: () => `${b64url({ alg: "NoNe" })}.${b64url(payloadOf())}.`,
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "HS256 keyed with the RSA public key (PEM)",
    token: () => signJws({ alg: "HS256", kid: "rsa-1" }, payloadOf(), Buffer.from(pem)),
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "HS256 keyed with the RSA public key (JWK JSON bytes)",
    token: () => signJws({ alg: "HS256", kid: "rsa-1" }, payloadOf(), Buffer.from(JSON.stringify(rsa.jwk))),
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "HS256 keyed with the modulus bytes",
    token: () => signJws({ alg: "HS256", kid: "rsa-1" }, payloadOf(), Buffer.from(String(rsa.jwk.n), "base64url")),
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "RS256 token to an ES256-only resource",
    policy: "es",
    token: () => good(),
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  {
    name: "PS256 claimed for a key declared RS256",
    token: () => signJws({ alg: "PS256", kid: "rsa-1" }, payloadOf(), rsa.privateKey),
    status: 401,
    reason: "alg_not_allowed",
    bearer: "invalid_token",
  },
  // ── Keys from the token itself ──────────────────────────────────────────
  {
    name: "embedded jwk with the attacker's kid",
    token: () => createToken(attacker, claims(), { jwk: attacker.jwk }),
    status: 401,
    reason: "unknown_kid",
    bearer: "invalid_token",
  },
  {
    name: "embedded jwk reusing the real kid",
    token: () => createToken(attackerSameKid, claims(), { jwk: attackerSameKid.jwk }),
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  {
    name: "jku pointing at the attacker's server",
    token: () => createToken(attacker, claims(), { jku: evil.url }),
    status: 401,
    reason: "unknown_kid",
    bearer: "invalid_token",
  },
  {
    name: "jku with the real kid",
    token: () => createToken(attackerSameKid, claims(), { jku: evil.url }),
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  {
    name: "x5u pointing at the attacker's server",
    token: () => createToken(attacker, claims(), { x5u: `${evil.origin}/cert.pem` }),
    status: 401,
    reason: "unknown_kid",
    bearer: "invalid_token",
  },
  {
    name: "x5c chain with the real kid",
    token: () => createToken(attackerSameKid, claims(), { x5c: ["MIIBIjANBgkq"] }),
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  // ── kid injection ───────────────────────────────────────────────────────
  {
    name: "kid with path traversal",
    token: () => good({}, { kid: "../../../../dev/null" }),
    status: 401,
    reason: "unknown_kid",
    bearer: "invalid_token",
  },
  {
    name: "kid with SQL text",
    token: () => good({}, { kid: "' OR '1'='1' --" }),
    status: 401,
    reason: "unknown_kid",
    bearer: "invalid_token",
  },
  {
    name: "kid with a NUL byte",
    token: () => good({}, { kid: "rsa-1\u0000" }),
    status: 401,
    reason: "unknown_kid",
    bearer: "invalid_token",
  },
  {
    name: "kid that is not a string",
    token: () => good({}, { kid: { $ne: null } }),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  // ── Signatures ──────────────────────────────────────────────────────────
  {
    name: "ECDSA r = s = 0 (CVE-2022-21449)",
    policy: "es",
    token: () => `${b64url({ alg: "ES256", kid: "ec-1" })}.${b64url(payloadOf())}.${b64url(Buffer.alloc(64))}`,
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  {
    name: "ECDSA signature in DER form",
    policy: "es",
    token: () => derEs256(),
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  {
    name: "stripped signature",
    token: () => `${good().split(".").slice(0, 2).join(".")}.`,
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  {
    name: "stripped signature and separator",
    token: () => good().split(".").slice(0, 2).join("."),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "scope escalated in the payload, original signature",
    token: () => swapPayload(good(), payloadOf({ scope: "mcp:tools files:write" })),
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  {
    name: "forged scope claim signed by another key (same kid)",
    token: () => createToken(attackerSameKid, claims({ scope: "mcp:tools:admin files:write" })),
    status: 401,
    reason: "signature_invalid",
    bearer: "invalid_token",
  },
  // ── Claims ──────────────────────────────────────────────────────────────
  {
    name: "issuer off by one character",
    token: () => good({ iss: "https://idp.tesr/" }),
    status: 401,
    reason: "issuer_mismatch",
    bearer: "invalid_token",
  },
  {
    name: "issuer without its trailing slash",
    token: () => good({ iss: "https://idp.test" }),
    status: 401,
    reason: "issuer_mismatch",
    bearer: "invalid_token",
  },
  {
    name: "issuer with a look-alike character",
    token: () => good({ iss: "https://idp.t\u0435st/" }),
    status: 401,
    reason: "issuer_mismatch",
    bearer: "invalid_token",
  },
  {
    name: "audience of another API",
    token: () => good({ aud: "api://billing" }),
    status: 401,
    reason: "audience_mismatch",
    bearer: "invalid_token",
  },
  {
    name: "audience missing",
    token: () => good({ aud: undefined }),
    status: 401,
    reason: "audience_mismatch",
    bearer: "invalid_token",
  },
  {
    name: "expired by 31 s (30 s leeway)",
    token: () => good({ exp: NOW - 31, iat: NOW - 931, nbf: NOW - 931 }),
    status: 401,
    reason: "token_expired",
    bearer: "invalid_token",
  },
  {
    name: "nbf in the future",
    token: () => good({ nbf: NOW + 120 }),
    status: 401,
    reason: "token_not_yet_valid",
    bearer: "invalid_token",
  },
  {
    name: "iat in the future",
    token: () => good({ iat: NOW + 120, nbf: undefined }),
    status: 401,
    reason: "token_issued_in_future",
    bearer: "invalid_token",
  },
  {
    name: "ID token used as access token",
    token: () => good({ aud: "client-1", nonce: "n-0S6_WzA2Mj", scope: undefined }),
    status: 401,
    reason: "id_token_rejected",
    bearer: "invalid_token",
  },
  {
    name: "ID token with at_hash and our audience",
    token: () => good({ at_hash: "77QmUPtjPfzWtF2AnpK9RQ" }),
    status: 401,
    reason: "id_token_rejected",
    bearer: "invalid_token",
  },
  {
    name: "missing sub",
    token: () => good({ sub: undefined }),
    status: 401,
    reason: "claim_missing",
    bearer: "invalid_token",
  },
  {
    name: "exp as a string",
    token: () => good({ exp: "2099-01-01" }),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "typ JWT when at+jwt is required",
    policy: "at",
    token: () => good({}, { typ: "JWT" }),
    status: 401,
    reason: "token_type_invalid",
    bearer: "invalid_token",
  },
  {
    name: "typ dpop+jwt (a proof, not a token)",
    token: () => good({}, { typ: "dpop+jwt" }),
    status: 401,
    reason: "token_type_invalid",
    bearer: "invalid_token",
  },
  {
    name: "unknown crit header",
    token: () => good({}, { crit: ["urn:x:policy"], "urn:x:policy": true }),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  // ── Encoding and size ───────────────────────────────────────────────────
  {
    name: "oversized token (9 KB)",
    token: () => good({ pad: "A".repeat(9000) }),
    status: 401,
    reason: "token_too_large",
    bearer: "invalid_token",
  },
  {
    name: "truncated token",
    token: () => good().slice(0, 60),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "standard-base64 characters in a segment",
    token: () => good().replace(/-/g, "+").replace(/_/g, "/").replace(/^eyJ/, "eyJ+"),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "padded segment",
    token: () => {
      const [h, p, s] = good().split(".");
      return `${h}.${p}==.${s}`;
    },
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "header that is not JSON",
    token: () => `${b64url("{alg:RS256")}.${b64url(payloadOf())}.${b64url(Buffer.alloc(256))}`,
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "signed payload that is a JSON array",
    token: () => signJws({ alg: "RS256", kid: "rsa-1" }, '["sub"]', rsa.privateKey),
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  {
    name: "JWE-shaped five-segment token",
    token: () => `${b64url({ alg: "RSA-OAEP", enc: "A256GCM" })}.a.b.c.d`,
    status: 401,
    reason: "token_malformed",
    bearer: "invalid_token",
  },
  // ── MCP-aware authorization ─────────────────────────────────────────────
  {
    name: "tool name with a Cyrillic look-alike",
    token: () => good(),
    rpc: call("re\u0430d_file"),
    status: 403,
    reason: "tool_not_allowed",
    bearer: null,
  },
  {
    name: "tool name with a zero-width joiner",
    token: () => good(),
    rpc: call("read\u200d_file"),
    status: 403,
    reason: "tool_not_allowed",
    bearer: null,
  },
  {
    name: "tool name with a fullwidth letter",
    token: () => good(),
    rpc: call("\uff52ead_file"),
    status: 403,
    reason: "tool_not_allowed",
    bearer: null,
  },
  {
    name: "disabled tool",
    token: () => good(),
    rpc: call("delete_file"),
    status: 403,
    reason: "tool_not_allowed",
    bearer: null,
  },
  {
    name: "tool outside the token's mcp_allowed_tools",
    token: () => good({ mcp_allowed_tools: ["write_file"] }),
    rpc: call("read_file"),
    status: 403,
    reason: "tool_not_allowed",
    bearer: null,
  },
  {
    name: "tool needing a scope the token lacks",
    token: () => good(),
    rpc: call("write_file"),
    status: 403,
    reason: "insufficient_scope",
    bearer: "insufficient_scope",
  },
  {
    name: "tools/call without any tool scope",
    token: () => good({ scope: "openid" }),
    rpc: call("read_file"),
    status: 403,
    reason: "insufficient_scope",
    bearer: "insufficient_scope",
  },
  {
    name: "method not in the policy",
    token: () => good(),
    rpc: { jsonrpc: "2.0", id: 1, method: "admin/exec", params: {} },
    status: 403,
    reason: "method_not_allowed",
    bearer: null,
  },
  {
    name: "method named __proto__",
    token: () => good(),
    rpc: { jsonrpc: "2.0", id: 1, method: "__proto__" },
    status: 403,
    reason: "method_not_allowed",
    bearer: null,
  },
  {
    name: "JSON-RPC batch",
    token: () => good(),
    rpc: [call("read_file"), call("write_file")],
    status: 400,
    reason: "request_malformed",
    bearer: "invalid_request",
  },
  {
    name: "tools/call with an object as the name",
    token: () => good(),
    rpc: call({ toString: "read_file" }),
    status: 400,
    reason: "request_malformed",
    bearer: "invalid_request",
  },
  {
    name: "body over the limit",
    token: () => good(),
    rpc: { ...call("read_file"), pad: "x".repeat(70 * 1024) },
    status: 413,
    reason: "body_too_large",
    bearer: null,
  },
  {
    name: "Origin not allowed (DNS rebinding)",
    request: () => post(good(), { origin: "http://rebind.attacker.test" }),
    status: 403,
    reason: "origin_not_allowed",
    bearer: null,
  },
  {
    name: "Origin null",
    request: () => post(good(), { origin: "null" }),
    status: 403,
    reason: "origin_not_allowed",
    bearer: null,
  },
];

function post(
  token: string | undefined,
  headers: Record<string, string> = {},
  url = TEST_RESOURCE,
  body: unknown = call("read_file"),
): Request {
  const h = new Headers({ "content-type": "application/json", ...headers });
  if (token !== undefined) h.set("authorization", `Bearer ${token}`);
  return new Request(url, { method: "POST", headers: h, body: JSON.stringify(body) });
}

function dupAuth(a: string, b: string): Request {
  const h = new Headers({ "content-type": "application/json" });
  h.append("authorization", `Bearer ${a}`);
  h.append("authorization", `Bearer ${b}`);
  return new Request(TEST_RESOURCE, { method: "POST", headers: h, body: JSON.stringify(call("read_file")) });
}

function swapPayload(token: string, payload: unknown): string {
  const [h, , s] = token.split(".");
  return `${h}.${b64url(payload)}.${s}`;
}

function derEs256(): string {
  const input = `${b64url({ alg: "ES256", kid: "ec-1" })}.${b64url(payloadOf())}`;
  return `${input}.${b64url(sign("sha256", Buffer.from(input), ec.privateKey))}`;
}

describe("attack table", () => {
  it("has at least 40 rows", () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_, row) => {
    const request = row.request ? row.request() : post(row.token?.(), {}, TEST_RESOURCE, row.rpc ?? call("read_file"));
    let reached = false;
    const res = await enforcers[row.policy ?? "rs"].handle(request, async () => {
      reached = true;
      return new Response("handler");
    });
    expect(reached).toBe(false);
    expect(res.status).toBe(row.status);
    const body = (await res.json()) as { jsonrpc: string; error: { data: { reason: string } } };
    expect(body.jsonrpc).toBe("2.0");
    expect(body.error.data.reason).toBe(row.reason);
    const challenge = res.headers.get("www-authenticate");
    if (row.status === 401)
      expect(challenge).toContain(
        `resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`,
      );
    expect(challenge?.match(/error="([^"]+)"/)?.[1] ?? null).toBe(row.bearer);
  });

  it("a good token passes the same enforcer (the table is not rejecting everything)", async () => {
    const res = await enforcers.rs.handle(post(good()), async () => new Response("handler"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("handler");
    const es = createToken(ec, claims());
    expect((await enforcers.es.handle(post(es), async () => new Response("ok"))).status).toBe(200);
    const at = good({}, { typ: "at+jwt" });
    expect((await enforcers.at.handle(post(at), async () => new Response("ok"))).status).toBe(200);
  });

  it("insufficient_scope names every scope the call needs", async () => {
    const res = await enforcers.rs.handle(
      post(good(), {}, TEST_RESOURCE, call("write_file")),
      async () => new Response(),
    );
    expect(res.headers.get("www-authenticate")).toContain('scope="mcp:tools files:write"');
  });

  it("never contacted the attacker's key server, and did not flood the IdP", () => {
    expect(evil.requests).toBe(0);
    // One initial fetch, at most one forced refresh per enforcer in a frozen 10 s window.
    expect(jwks.requests).toBeLessThanOrEqual(6);
  });

  it("the PEM used for the HMAC attack is the real public key", () => {
    expect(createPublicKey(pem).export({ format: "jwk" }).n).toBe(rsa.jwk.n);
  });
});
