/**
 * Issue 13 #2: the IdP profile's claim settings, published in the bundle's `idp.claims`, change what the
 * enforcer reads (scopes, client id, roles) and which token versions it accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "../enforcer.js";
import type { EnforcerPolicy } from "../policy.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey, createToken } from "../test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "../test-utils/policy.js";
import type { AuthContext } from "../types.js";
import { normalizeClaims } from "./claim-profiles.js";

const NOW_SEC = 1_700_000_000;
const now = () => NOW_SEC * 1000;
const key = createTestKey("RS256", "claims-k1");
let server: JwksServer;
beforeAll(async () => {
  server = await startJwksServer([key.jwk]);
});
afterAll(() => server.close());

const call = (token: string) =>
  new Request(TEST_RESOURCE, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_file" } }),
  });
const ok = async (_req: Request, auth: AuthContext) => Response.json({ client: auth.token.clientId });

function policyWith(claims: Record<string, unknown> | undefined, kind: "oidc" | "entra" = "oidc"): EnforcerPolicy {
  const base = testPolicy(server.url);
  return testPolicy(server.url, { idp: { ...base.idp, kind, ...(claims ? { claims } : {}) } } as never);
}

// An Auth0 RBAC token: the grant is in `permissions`, `scope` holds only OIDC scopes.
const rbacToken = () =>
  createToken(key, {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    nowSec: NOW_SEC,
    scope: "openid",
    permissions: ["mcp:tools"],
    custom_client: "agent-7",
  });

describe("claim settings from the IdP profile", () => {
  it("a profile that reads scopes from permissions turns a 403 into a 200", async () => {
    const preset = createEnforcer({ policy: policyWith(undefined), now });
    expect((await preset.handle(call(rbacToken()), ok)).status).toBe(403);

    const rbac = createEnforcer({
      policy: policyWith({ scopeClaims: ["scope", "permissions"], clientIdClaims: ["custom_client"] }),
      now,
    });
    const res = await rbac.handle(call(rbacToken()), ok);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ client: "agent-7" });
  });

  it("accepted token versions: a v1 token is refused by a v2-only profile, with its own reason", async () => {
    const v2only = createEnforcer({
      policy: policyWith({ scopeClaims: ["scp"], clientIdClaims: ["azp"], tokenVersions: ["2.0"] }, "entra"),
      now,
    });
    const v1 = createToken(key, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      nowSec: NOW_SEC,
      scp: "mcp:tools",
      ver: "1.0",
    });
    const denied = await v2only.handle(call(v1), ok);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const v2 = createToken(key, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      nowSec: NOW_SEC,
      scp: "mcp:tools",
      ver: "2.0",
    });
    expect((await v2only.handle(call(v2), ok)).status).toBe(200);

    const both = createEnforcer({
      policy: policyWith({ scopeClaims: ["scp"], clientIdClaims: ["azp"], tokenVersions: ["1.0", "2.0"] }, "entra"),
      now,
    });
    expect((await both.handle(call(v1), ok)).status).toBe(200);
  });

  it("explicit settings read exactly the named claims (no preset claims leak in)", () => {
    const claims = { scope: "mcp:tools", permissions: ["files:write"], azp: "a", cid: "c" };
    const n = normalizeClaims("oidc", claims, {
      scopeClaims: ["permissions"],
      clientIdClaims: ["cid"],
      rolesClaim: "",
      tokenVersions: [],
    });
    expect(n).toEqual({ scopes: ["files:write"], roles: [], clientId: "c" });
  });

  it("Entra app-only tokens still count their roles as scopes", () => {
    const n = normalizeClaims(
      "entra",
      { roles: ["mcp:tools"], azp: "daemon" },
      { scopeClaims: ["scp"], clientIdClaims: ["azp", "appid"], rolesClaim: "roles", tokenVersions: [] },
    );
    expect(n.scopes).toEqual(["mcp:tools"]);
  });

  it("bad settings fail at startup", () => {
    expect(() => createEnforcer({ policy: policyWith({ scopeClaims: [], clientIdClaims: ["azp"] }), now })).toThrow();
  });
});
