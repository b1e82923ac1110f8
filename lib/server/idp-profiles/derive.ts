import type { AsymmetricAlg, IdpKind } from "@/lib/enforcer/policy";
import type { ClaimProfile, IdpKindSettings } from "@/lib/schemas/idp-profiles";
import type { DerivedIdpValues, IdpSettings } from "./types";

/**
 * Issuer(s), discovery URL and JWKS URI per IdP kind, as DOMAIN.md's IdP table gives them.
 * Pure (no server-only) so the create form can show a live preview with the same code.
 */
export function deriveIdpValues(s: IdpKindSettings): DerivedIdpValues {
  switch (s.kind) {
    case "entra": {
      const base = `https://login.microsoftonline.com/${s.tenantId}`;
      const v2 = `${base}/v2.0`;
      const v1 = `https://sts.windows.net/${s.tenantId}/`;
      // The issuer follows the API's accessTokenAcceptedVersion, not the endpoint, so "both" accepts both.
      if (s.tokenVersion === "v1")
        // The v1 discovery document is the one that announces the sts.windows.net issuer; same keys.
        return {
          issuers: [v1],
          discoveryUrl: `${base}/.well-known/openid-configuration`,
          jwksUri: `${base}/discovery/keys`,
        };
      return {
        issuers: s.tokenVersion === "both" ? [v2, v1] : [v2],
        discoveryUrl: `${v2}/.well-known/openid-configuration`,
        jwksUri: `${base}/discovery/v2.0/keys`,
      };
    }
    case "okta": {
      const issuer = `https://${s.domain}/oauth2/${s.authServerId}`;
      return {
        issuers: [issuer],
        discoveryUrl: `${issuer}/.well-known/openid-configuration`,
        jwksUri: `${issuer}/v1/keys`,
      };
    }
    case "auth0":
      // Auth0's issuer keeps its trailing slash; `iss` must match it byte for byte.
      return {
        issuers: [`https://${s.domain}/`],
        discoveryUrl: `https://${s.domain}/.well-known/openid-configuration`,
        jwksUri: `https://${s.domain}/.well-known/jwks.json`,
      };
    case "oidc":
      // OIDC Discovery §4.1: strip one trailing "/" before appending the well-known path.
      return { issuers: [s.issuer], discoveryUrl: discoveryUrlFor(s.issuer), jwksUri: "" };
  }
}

export function discoveryUrlFor(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

/** Derived values with the admin's overrides applied. */
export function effectiveIdpValues(settings: IdpSettings): DerivedIdpValues {
  const derived = deriveIdpValues(settings);
  const o = settings.overrides;
  const issuers = o.issuers?.length ? o.issuers : derived.issuers;
  // An overridden issuer without an explicit discovery URL: discover from the first issuer.
  const discoveryUrl =
    o.discoveryUrl ?? (o.issuers?.length && issuers[0] ? discoveryUrlFor(issuers[0]) : derived.discoveryUrl);
  return { issuers, discoveryUrl, jwksUri: o.jwksUri ?? derived.jwksUri };
}

/** Token shape defaults per IdP (DOMAIN.md "What the resource server checks" §4 and the token shape row). */
export function defaultClaimProfile(s: IdpKindSettings): ClaimProfile {
  return DEFAULT_CLAIM_PROFILES[s.kind](s);
}

const DEFAULT_CLAIM_PROFILES: Record<IdpKind, (s: IdpKindSettings) => ClaimProfile> = {
  entra: (s) => ({
    scopeClaims: ["scp"],
    scopeFormat: "string",
    // App-only tokens carry application permissions in `roles` instead of `scp`.
    rolesClaim: "roles",
    clientIdClaims: ["azp", "appid"],
    tokenVersions:
      s.kind === "entra" && s.tokenVersion === "v1"
        ? ["1.0"]
        : s.kind === "entra" && s.tokenVersion === "both"
          ? ["1.0", "2.0"]
          : ["2.0"],
    requireAtJwt: false,
  }),
  okta: () => ({
    scopeClaims: ["scp"],
    scopeFormat: "array",
    rolesClaim: "groups",
    clientIdClaims: ["cid", "client_id"],
    tokenVersions: ["1"],
    requireAtJwt: false,
  }),
  auth0: () => ({
    scopeClaims: ["scope", "permissions"],
    scopeFormat: "string",
    rolesClaim: "permissions",
    clientIdClaims: ["azp", "client_id"],
    tokenVersions: [],
    requireAtJwt: false,
  }),
  oidc: () => ({
    scopeClaims: ["scope"],
    scopeFormat: "string",
    rolesClaim: "roles",
    clientIdClaims: ["client_id", "azp"],
    tokenVersions: [],
    requireAtJwt: false,
  }),
};

export const DEFAULT_ALGORITHMS: AsymmetricAlg[] = ["RS256"];

/** The IdP's token endpoint for a downstream exchange, from the profile's own inputs (DOMAIN.md IdP table). */
export function derivedTokenEndpoint(kind: string, settings: Record<string, unknown>): string | undefined {
  const text = (key: string) => (typeof settings[key] === "string" ? (settings[key] as string) : undefined);
  const tenantId = text("tenantId");
  const domain = text("domain");
  if (kind === "entra" && tenantId) return `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;
  if (kind === "okta" && domain) return `https://${domain}/oauth2/${text("authServerId") ?? "default"}/v1/token`;
  if (kind === "auth0" && domain) return `https://${domain}/oauth/token`;
  return undefined;
}
