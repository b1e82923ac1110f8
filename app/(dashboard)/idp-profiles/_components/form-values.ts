import type { AsymmetricAlg, IdpKind } from "@/lib/enforcer/policy";
import { type ClaimProfile, type IdpKindSettings, normalizeDomain } from "@/lib/schemas/idp-profiles";
import { defaultClaimProfile } from "@/lib/server/idp-profiles/derive";
import type { IdpProfileDto } from "@/lib/server/idp-profiles/types";

/** The form's state: strings as typed, lists as comma/newline-separated text. */
export interface IdpFormValues {
  kind: IdpKind;
  name: string;
  tenantId: string;
  tokenVersion: "v1" | "v2" | "both";
  domain: string;
  authServerId: string;
  issuer: string;
  issuersOverride: string;
  discoveryUrlOverride: string;
  jwksUriOverride: string;
  algorithms: AsymmetricAlg[];
  claim: {
    scopeClaims: string;
    rolesClaim: string;
    clientIdClaims: string;
    tokenVersions: string;
    requireAtJwt: boolean;
    scopeFormat: "string" | "array";
  };
}

export const KIND_LABELS: Record<IdpKind, string> = {
  entra: "Microsoft Entra ID",
  okta: "Okta",
  auth0: "Auth0",
  oidc: "Generic OIDC",
};

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
const lines = (text: string) =>
  text
    .split(/\n/)
    .map((s) => s.trim())
    .filter(Boolean);

export function kindSettingsOf(v: IdpFormValues): IdpKindSettings {
  switch (v.kind) {
    case "entra":
      return { kind: "entra", tenantId: v.tenantId.trim().toLowerCase() || "{tenant}", tokenVersion: v.tokenVersion };
    case "okta":
      // The preview shows what the server will store: a pasted https://…/ reads as its host (issue 13 #11).
      return {
        kind: "okta",
        domain: normalizeDomain(v.domain) || "{domain}",
        authServerId: v.authServerId.trim() || "default",
      };
    case "auth0":
      return { kind: "auth0", domain: normalizeDomain(v.domain) || "{domain}" };
    case "oidc":
      return { kind: "oidc", issuer: v.issuer.trim() || "{issuer}" };
  }
}

export function claimValuesOf(c: ClaimProfile): IdpFormValues["claim"] {
  return {
    scopeClaims: c.scopeClaims.join(", "),
    rolesClaim: c.rolesClaim,
    clientIdClaims: c.clientIdClaims.join(", "),
    tokenVersions: c.tokenVersions.join(", "),
    requireAtJwt: c.requireAtJwt,
    scopeFormat: c.scopeFormat,
  };
}

export function emptyValues(kind: IdpKind): IdpFormValues {
  const v: IdpFormValues = {
    kind,
    name: "",
    tenantId: "",
    tokenVersion: "v2",
    domain: "",
    authServerId: "default",
    issuer: "",
    issuersOverride: "",
    discoveryUrlOverride: "",
    jwksUriOverride: "",
    algorithms: ["RS256"],
    claim: claimValuesOf(defaultClaimProfile({ kind: "oidc", issuer: "" })),
  };
  return { ...v, claim: claimValuesOf(defaultClaimProfile(kindSettingsOf(v))) };
}

export function valuesFromDto(p: IdpProfileDto): IdpFormValues {
  const s = p.settings;
  return {
    kind: p.kind,
    name: p.name,
    tenantId: s.kind === "entra" ? s.tenantId : "",
    tokenVersion: s.kind === "entra" ? s.tokenVersion : "v2",
    domain: s.kind === "okta" || s.kind === "auth0" ? s.domain : "",
    authServerId: s.kind === "okta" ? s.authServerId : "default",
    issuer: s.kind === "oidc" ? s.issuer : "",
    issuersOverride: (s.overrides.issuers ?? []).join("\n"),
    discoveryUrlOverride: s.overrides.discoveryUrl ?? "",
    jwksUriOverride: s.overrides.jwksUri ?? "",
    algorithms: p.algorithms,
    claim: claimValuesOf(p.claimProfile),
  };
}

/** The JSON the create/update actions take (only the fields of the chosen kind). */
export function payloadOf(v: IdpFormValues): Record<string, unknown> {
  const kindFields =
    v.kind === "entra"
      ? { tenantId: v.tenantId, tokenVersion: v.tokenVersion }
      : v.kind === "okta"
        ? { domain: v.domain, authServerId: v.authServerId }
        : v.kind === "auth0"
          ? { domain: v.domain }
          : { issuer: v.issuer };
  return {
    kind: v.kind,
    name: v.name,
    ...kindFields,
    issuers: lines(v.issuersOverride),
    discoveryUrl: v.discoveryUrlOverride,
    jwksUri: v.jwksUriOverride,
    algorithms: v.algorithms,
    claimProfile: {
      scopeClaims: list(v.claim.scopeClaims),
      rolesClaim: v.claim.rolesClaim.trim(),
      clientIdClaims: list(v.claim.clientIdClaims),
      tokenVersions: list(v.claim.tokenVersions),
      requireAtJwt: v.claim.requireAtJwt,
      scopeFormat: v.claim.scopeFormat,
    },
  };
}
