import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "@/e2e/idp/test-idp";
import { EnforcerPolicy, type IdpKind } from "@/lib/enforcer";
import { type DebugResult, type DebugStep, debugToken, type StepId } from "./token-debugger";

/**
 * One case per token pitfall of ../shared/DOMAIN.md, against real loopback IdPs (oidc-provider shaped
 * like Entra, Okta and Auth0): each asserts the step that fails, the enforcer's verdict and the advice.
 * Pitfalls that are not a property of the token (PKCE verifier lost, refresh token replay, CORS on
 * discovery, OBO consent, mTLS expiry) cannot be shown by a token debugger and have no case here.
 */
const idps: Partial<Record<IdpKind, TestIdp>> = {};
function idp(kind: "entra" | "okta" | "auth0"): TestIdp {
  const found = idps[kind];
  if (!found) throw new Error(`no ${kind} IdP`);
  return found;
}

beforeAll(async () => {
  for (const shape of ["entra", "okta", "auth0"] as const) idps[shape] = await startTestIdp({ shape });
});
afterAll(async () => {
  for (const idp of Object.values(idps)) await idp?.close();
});

function policyFor(kind: "entra" | "okta" | "auth0", overrides: { issuers?: string[]; audiences?: string[] } = {}) {
  const server = idp(kind);
  return EnforcerPolicy.parse({
    resource: { uri: "https://mcp.example.com/files", name: "files" },
    idp: {
      kind,
      issuers: overrides.issuers ?? [server.issuer],
      jwksUri: server.jwksUri,
      audiences: overrides.audiences ?? [server.audience],
      authorizationServers: [server.issuer],
    },
    tools: [{ name: "read_file" }, { name: "delete_file", scopes: ["files:admin"] }],
  });
}

async function run(
  kind: "entra" | "okta" | "auth0",
  token: string,
  opts: { policy?: EnforcerPolicy; request?: { method: string; tool?: string } } = {},
): Promise<DebugResult> {
  return debugToken(token, {
    policy: opts.policy ?? policyFor(kind),
    resourceId: "res_1",
    idpProfileId: "idp_1",
    fetch,
    ...(opts.request ? { request: opts.request } : {}),
  });
}

const step = (r: DebugResult, id: StepId): DebugStep => {
  const s = r.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};

/** The step list and the enforcer's own verdict agree: the first failing step carries the verdict's code. */
function expectConsistent(r: DebugResult) {
  const firstFail = r.steps.find((s) => s.status === "fail");
  expect(r.verdict.code).toBe(firstFail?.code ?? null);
}

describe("token debugger: DOMAIN.md pitfalls", () => {
  it("a good Entra token passes every step and the simulated tools/call", async () => {
    const token = await idp("entra").mintAccessToken({ scopes: ["mcp:tools"] });
    const r = await run("entra", token, { request: { method: "tools/call", tool: "read_file" } });
    expect(r.steps.filter((s) => s.status !== "pass")).toEqual([]);
    expect(r.verdict).toMatchObject({ allowed: true, code: null });
    expect(r.normalized?.scopes).toEqual(["mcp:tools"]);
    expect(r.header?.kid).toBeTruthy();
  });

  it("stale JWKS / wrong IdP: an unknown kid fails the key step with the JWKS advice", async () => {
    const token = await idp("okta").mintAccessToken({ header: { kid: "rotated-away" } });
    const r = await run("okta", token);
    expect(step(r, "key")).toMatchObject({ status: "fail", code: "unknown_kid" });
    expect(step(r, "key").hints.join(" ")).toMatch(/The JWKS holds kid/);
    expect(step(r, "key").fix?.text).toMatch(/JWKS URI/);
    expect(step(r, "key").fix?.setting?.href).toBe("/idp-profiles/idp_1");
    expect(step(r, "signature").status).toBe("skip");
    expectConsistent(r);
  });

  it("stale JWKS after rotation: a token signed with the new key verifies (the fetch is live)", async () => {
    await idp("okta").rotateKeys();
    const token = await idp("okta").mintAccessToken();
    const r = await run("okta", token);
    expect(step(r, "key").status).toBe("pass");
    expect(step(r, "signature").status).toBe("pass");
    expect(r.verdict.allowed).toBe(true);
  });

  it("audience mismatch: the api:// prefix hint and the App ID URI kit step", async () => {
    const token = await idp("entra").mintAccessToken({ audience: "portcullis-test" });
    const r = await run("entra", token);
    expect(step(r, "audience")).toMatchObject({ status: "fail", code: "audience_mismatch" });
    expect(step(r, "audience").hints.join(" ")).toMatch(/lacks the api:\/\/ prefix/);
    expect(step(r, "audience").fix).toMatchObject({ kitStep: "entra.app-id-uri" });
    expect(step(r, "audience").fix?.setting?.href).toBe("/resources/res_1");
    expectConsistent(r);
  });

  it("clock skew: expired beyond the 30 s tolerance fails; within it passes", async () => {
    const expired = await idp("auth0").mintAccessToken({ expiresInSec: -120 });
    const r = await run("auth0", expired);
    expect(step(r, "time")).toMatchObject({ status: "fail", code: "token_expired" });
    expect(step(r, "time").fix?.text).toMatch(/refresh it.*NTP.*clock tolerance/);
    expectConsistent(r);
    const justExpired = await idp("auth0").mintAccessToken({ expiresInSec: -10 });
    expect(step(await run("auth0", justExpired), "time").status).toBe("pass");
  });

  it("clock skew: a token not valid yet (nbf ahead) says to sync clocks", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await idp("okta").mintAccessToken({ claims: { nbf: now + 300 } });
    const r = await run("okta", token);
    expect(step(r, "time")).toMatchObject({ status: "fail", code: "token_not_yet_valid" });
    expect(step(r, "time").fix?.text).toMatch(/NTP/);
    expectConsistent(r);
  });

  it("scope format: full api://… names in scp are flagged and the request fails on scope", async () => {
    const token = await idp("entra").mintAccessToken({ claims: { scp: "api://portcullis-test/mcp:tools" } });
    const r = await run("entra", token, { request: { method: "tools/list" } });
    expect(step(r, "scopes").status).toBe("warn");
    expect(step(r, "scopes").hints.join(" ")).toMatch(/full name.*bare names/);
    expect(step(r, "request")).toMatchObject({ status: "fail", code: "insufficient_scope" });
    expect(step(r, "request").fix).toMatchObject({ kitStep: "entra.expose-scopes" });
    expect(r.verdict.code).toBe("insufficient_scope");
  });

  it("ID token sent as an access token: the id_token step fails and aud = client is explained", async () => {
    const token = await idp("auth0").mintAccessToken({ audience: "agent-1", claims: { nonce: "n-1" } });
    const r = await run("auth0", token);
    expect(step(r, "id_token")).toMatchObject({ status: "fail", code: "id_token_rejected" });
    expect(step(r, "id_token").fix).toMatchObject({ kitStep: "mcp.scopes" });
    expect(step(r, "audience").status).toBe("fail");
    expect(step(r, "audience").hints.join(" ")).toMatch(/aud equals the client id/);
    expectConsistent(r);
  });

  it("token too large: the structure step fails before anything is parsed", async () => {
    const token = await idp("okta").mintAccessToken({
      claims: { groups: Array.from({ length: 600 }, (_, i) => `group-${i}`) },
    });
    const r = await run("okta", token);
    expect(step(r, "structure")).toMatchObject({ status: "fail", code: "token_too_large" });
    expect(step(r, "structure").fix?.text).toMatch(/fewer claims/);
    expect(r.steps.filter((s) => s.status === "skip").length).toBe(11);
    expectConsistent(r);
  });

  it("Entra v1 token against a v2 profile: the issuer step names v1 vs v2 and the manifest step", async () => {
    const entra = idp("entra");
    const v1Issuer = `https://sts.windows.net/${entra.tenantId}/`;
    const token = await entra.mintAccessToken({ claims: { iss: v1Issuer, ver: "1.0" } });
    const r = await run("entra", token, {
      policy: policyFor("entra", { issuers: [`https://login.microsoftonline.com/${entra.tenantId}/v2.0`] }),
    });
    expect(step(r, "issuer")).toMatchObject({ status: "fail", code: "issuer_mismatch" });
    expect(step(r, "issuer").hints.join(" ")).toMatch(/v1 vs v2 issuer/);
    expect(step(r, "issuer").hints.join(" ")).toMatch(/requestedAccessTokenVersion/);
    expect(step(r, "issuer").fix).toMatchObject({ kitStep: "entra.token-version" });
    expect(step(r, "audience").status).toBe("pass");
    expectConsistent(r);
  });

  it("Auth0 issuer without its trailing slash: the trailing-slash hint", async () => {
    const auth0 = idp("auth0");
    const token = await auth0.mintAccessToken();
    const r = await run("auth0", token, { policy: policyFor("auth0", { issuers: [auth0.issuer.replace(/\/$/, "")] }) });
    expect(step(r, "issuer")).toMatchObject({ status: "fail", code: "issuer_mismatch" });
    expect(step(r, "issuer").hints.join(" ")).toMatch(/Trailing slash difference/);
    expect(step(r, "issuer").fix).toMatchObject({ kitStep: "auth0.api" });
    expectConsistent(r);
  });

  it("several failures are all reported (issuer and audience), each with its own fix", async () => {
    const token = await idp("okta").mintAccessToken({
      audience: "api://other",
      claims: { iss: "https://evil.example/" },
    });
    const r = await run("okta", token);
    expect(r.steps.filter((s) => s.status === "fail").map((s) => s.id)).toEqual(["issuer", "audience"]);
    expectConsistent(r);
  });

  it("a tool outside the allowlist points at the Tools tab", async () => {
    const token = await idp("okta").mintAccessToken({ scopes: ["mcp:tools"] });
    const r = await run("okta", token, { request: { method: "tools/call", tool: "rm_rf" } });
    expect(step(r, "request")).toMatchObject({ status: "fail", code: "tool_not_allowed" });
    expect(step(r, "request").fix?.setting?.href).toBe("/resources/res_1/tools");
    expect(r.verdict.code).toBe("tool_not_allowed");
  });

  it("alg none / HMAC and garbage are refused at the alg and structure steps", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ sub: "a" })).toString("base64url");
    const hs = await run("okta", `${header}.${payload}.c2ln`);
    expect(step(hs, "alg")).toMatchObject({ status: "fail", code: "alg_not_allowed" });
    expectConsistent(hs);
    const garbage = await run("okta", "not-a-jwt");
    expect(step(garbage, "structure")).toMatchObject({ status: "fail", code: "token_malformed" });
    expect(garbage.header).toBeNull();
  });

  it("Auth0 without RBAC permissions: the hint names the API setting", async () => {
    const token = await idp("auth0").mintAccessToken({ scopes: ["openid"], claims: { permissions: undefined } });
    const r = await run("auth0", token);
    expect(step(r, "scopes").status).toBe("warn");
    expect(step(r, "scopes").hints.join(" ")).toMatch(/Add Permissions in the Access Token/);
    expect(step(r, "scopes").fix).toMatchObject({ kitStep: "auth0.rbac" });
  });
});
