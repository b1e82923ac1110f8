import { describe, expect, it } from "vitest";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { defaultClaimProfile, deriveIdpValues, effectiveIdpValues } from "./derive";

const T = "72f988bf-86f1-41af-91ab-2d7cd011db47";

describe("deriveIdpValues (DOMAIN.md IdP table)", () => {
  it.each([
    [
      "entra v2",
      { kind: "entra", tenantId: T, tokenVersion: "v2" },
      [`https://login.microsoftonline.com/${T}/v2.0`],
      `https://login.microsoftonline.com/${T}/v2.0/.well-known/openid-configuration`,
      `https://login.microsoftonline.com/${T}/discovery/v2.0/keys`,
    ],
    [
      "entra both",
      { kind: "entra", tenantId: T, tokenVersion: "both" },
      [`https://login.microsoftonline.com/${T}/v2.0`, `https://sts.windows.net/${T}/`],
      `https://login.microsoftonline.com/${T}/v2.0/.well-known/openid-configuration`,
      `https://login.microsoftonline.com/${T}/discovery/v2.0/keys`,
    ],
    [
      "entra v1",
      { kind: "entra", tenantId: T, tokenVersion: "v1" },
      [`https://sts.windows.net/${T}/`],
      `https://login.microsoftonline.com/${T}/.well-known/openid-configuration`,
      `https://login.microsoftonline.com/${T}/discovery/keys`,
    ],
    [
      "okta default server",
      { kind: "okta", domain: "dev-123.okta.com", authServerId: "default" },
      ["https://dev-123.okta.com/oauth2/default"],
      "https://dev-123.okta.com/oauth2/default/.well-known/openid-configuration",
      "https://dev-123.okta.com/oauth2/default/v1/keys",
    ],
    [
      "auth0 (issuer keeps its trailing slash)",
      { kind: "auth0", domain: "acme.eu.auth0.com" },
      ["https://acme.eu.auth0.com/"],
      "https://acme.eu.auth0.com/.well-known/openid-configuration",
      "https://acme.eu.auth0.com/.well-known/jwks.json",
    ],
    [
      "generic oidc with a trailing slash",
      { kind: "oidc", issuer: "https://idp.example.com/realms/x/" },
      ["https://idp.example.com/realms/x/"],
      "https://idp.example.com/realms/x/.well-known/openid-configuration",
      "",
    ],
  ] as const)("%s", (_label, settings, issuers, discoveryUrl, jwksUri) => {
    expect(deriveIdpValues(settings)).toEqual({ issuers, discoveryUrl, jwksUri });
  });

  it("applies overrides; an overridden issuer without a discovery URL discovers from that issuer", () => {
    const s = { kind: "entra" as const, tenantId: T, tokenVersion: "v2" as const };
    expect(effectiveIdpValues({ ...s, overrides: { issuers: ["http://127.0.0.1:9/t/v2.0"] } })).toEqual({
      issuers: ["http://127.0.0.1:9/t/v2.0"],
      discoveryUrl: "http://127.0.0.1:9/t/v2.0/.well-known/openid-configuration",
      jwksUri: `https://login.microsoftonline.com/${T}/discovery/v2.0/keys`,
    });
    expect(
      effectiveIdpValues({ ...s, overrides: { discoveryUrl: "https://x.test/d", jwksUri: "https://x.test/k" } }),
    ).toEqual({
      issuers: [`https://login.microsoftonline.com/${T}/v2.0`],
      discoveryUrl: "https://x.test/d",
      jwksUri: "https://x.test/k",
    });
  });

  it("presets the claim profile per kind", () => {
    expect(defaultClaimProfile({ kind: "entra", tenantId: T, tokenVersion: "both" })).toMatchObject({
      scopeClaims: ["scp"],
      rolesClaim: "roles",
      clientIdClaims: ["azp", "appid"],
      tokenVersions: ["1.0", "2.0"],
    });
    expect(defaultClaimProfile({ kind: "okta", domain: "a.okta.com", authServerId: "default" })).toMatchObject({
      scopeClaims: ["scp"],
      scopeFormat: "array",
      clientIdClaims: ["cid", "client_id"],
    });
    expect(defaultClaimProfile({ kind: "auth0", domain: "a.auth0.com" }).scopeClaims).toEqual(["scope", "permissions"]);
  });

  it("forgives a pasted scheme and slash in a domain, and defaults Okta's server to 'default'", () => {
    const parsed = CreateIdpProfileInput.parse({ name: "o", kind: "okta", domain: "https://Dev-1.okta.com/" });
    expect(parsed).toMatchObject({ domain: "dev-1.okta.com", authServerId: "default" });
  });
});
