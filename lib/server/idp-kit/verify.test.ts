import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "@/e2e/idp/test-idp";
import type { KitInput } from "../exports/kit-types";
import { type KitCheck, liveChecks } from "./verify";

/** Live verification against real loopback IdPs (oidc-provider), one variant per flagged defect. */
const started: TestIdp[] = [];
async function idp(discoveryOverrides?: Record<string, unknown>): Promise<TestIdp> {
  const s = await startTestIdp({ shape: "okta", ...(discoveryOverrides ? { discoveryOverrides } : {}) });
  started.push(s);
  return s;
}
afterAll(async () => {
  for (const s of started) await s.close();
});

function inputFor(s: TestIdp, opts: { obo?: boolean; scopes?: string[] } = {}): KitInput {
  return {
    resource: {
      id: "res_1",
      name: "files",
      uri: "https://mcp.example.com/files",
      metadataUrl: "https://mcp.example.com/.well-known/oauth-protected-resource/files",
      audiences: [s.audience],
      scopes: (opts.scopes ?? ["mcp:tools", "mcp:resources"]).map((name) => ({ name, description: "" })),
      algorithms: ["RS256"],
      maxTokenLifetimeSec: 0,
      obo: opts.obo ? [{ name: "graph", grant: "token_exchange", scope: "files.read" }] : [],
    },
    idp: {
      kind: "okta",
      name: "test",
      issuers: [s.issuer],
      discoveryUrl: s.discoveryUrl,
      jwksUri: s.jwksUri,
      domain: "127.0.0.1",
      authServerId: "default",
      requireAtJwt: false,
    },
  };
}

const check = (checks: KitCheck[], id: KitCheck["id"]) => {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

describe("Verify against the IdP", () => {
  let good: TestIdp;
  beforeAll(async () => {
    good = await idp();
  });

  it("a well-configured IdP passes discovery, issuer, JWKS, S256, implicit and scopes; DCR is reported", async () => {
    const checks = await liveChecks(inputFor(good));
    for (const id of ["discovery", "issuer", "jwks", "pkce_s256", "implicit_grant", "scopes_published"] as const)
      expect(check(checks, id).status, `${id}: ${check(checks, id).detail}`).toBe("pass");
    expect(check(checks, "token_exchange").status).toBe("skip");
    expect(check(checks, "dcr")).toMatchObject({ status: "info" });
    expect(check(checks, "dcr").detail).toMatch(/registration_endpoint/);
    // Each check names the kit steps it ticks.
    expect(check(checks, "pkce_s256").steps).toEqual(["okta.client-app", "mcp.pkce"]);
    expect(check(checks, "scopes_published").steps).toContain("okta.scopes");
  });

  it("flags an IdP that does not advertise S256", async () => {
    const s = await idp({ code_challenge_methods_supported: undefined });
    const c = check(await liveChecks(inputFor(s)), "pkce_s256");
    expect(c.status).toBe("fail");
    expect(c.detail).toMatch(/code_challenge_methods_supported is absent/);
    const plainOnly = await idp({ code_challenge_methods_supported: ["plain"] });
    expect(check(await liveChecks(inputFor(plainOnly)), "pkce_s256").detail).toMatch(/lists plain, not S256/);
  });

  it("warns about an advertised implicit grant", async () => {
    const s = await idp({ response_types_supported: ["code", "token", "id_token token"] });
    expect(check(await liveChecks(inputFor(s)), "implicit_grant").status).toBe("warn");
  });

  it("fails when a policy scope is not published, and skips when scopes are not published at all", async () => {
    const missing = check(
      await liveChecks(inputFor(good, { scopes: ["mcp:tools", "files:admin"] })),
      "scopes_published",
    );
    expect(missing).toMatchObject({ status: "fail" });
    expect(missing.detail).toMatch(/files:admin/);
    const s = await idp({ scopes_supported: undefined });
    expect(check(await liveChecks(inputFor(s)), "scopes_published").status).toBe("skip");
  });

  it("checks the token exchange grant only when OBO downstreams exist", async () => {
    expect(check(await liveChecks(inputFor(good, { obo: true })), "token_exchange").status).toBe("pass");
    const s = await idp({ grant_types_supported: ["authorization_code", "refresh_token"] });
    const c = check(await liveChecks(inputFor(s, { obo: true })), "token_exchange");
    expect(c.status).toBe("fail");
    expect(c.steps).toEqual(["okta.token-exchange"]);
  });

  it("an issuer mismatch is diagnosed and discovery failures stop the document checks", async () => {
    const input = inputFor(good);
    input.idp.issuers = [`${good.issuer}/`];
    expect(check(await liveChecks(input), "issuer")).toMatchObject({ status: "fail" });
    expect(check(await liveChecks(input), "issuer").detail).toMatch(/Trailing slash/);
    const down = inputFor(good);
    down.idp.discoveryUrl = `${good.issuer.replace(/:\d+/, ":1")}/.well-known/openid-configuration`;
    const checks = await liveChecks(down);
    expect(check(checks, "discovery").status).toBe("fail");
    expect(checks.map((c) => c.id)).not.toContain("pkce_s256");
  });
});
