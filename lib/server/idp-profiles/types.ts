import type { AsymmetricAlg, IdpKind } from "@/lib/enforcer/policy";
import type { ClaimProfile, IdpKindSettings } from "@/lib/schemas/idp-profiles";

/** What the admin entered: the kind inputs plus any overrides of derived values. */
export type IdpSettings = IdpKindSettings & {
  overrides: { issuers?: string[]; discoveryUrl?: string; jwksUri?: string };
};

/** The values derived from the kind inputs (before overrides). `jwksUri` is "" for generic OIDC: it comes from discovery. */
export interface DerivedIdpValues {
  issuers: string[];
  discoveryUrl: string;
  jwksUri: string;
}

export interface TestedKey {
  kid: string | null;
  kty: string;
  alg: string | null;
  use: string | null;
  /** RSA modulus length or EC curve size in bits; null when unknown. */
  bits: number | null;
  crv: string | null;
}

/** A stored Test connection outcome (IdpProfile.lastTestResult JSON). */
export interface TestConnectionResult {
  ok: boolean;
  testedAt: string;
  durationMs: number;
  /** The first real problem in words (DNS, refused, TLS, timeout, HTTP, then issuer, then keys); null when ok. Absent in results stored before issue 13 #11. */
  cause?: string | null;
  discovery: {
    url: string;
    ok: boolean;
    error: string | null;
    issuer: string | null;
    jwksUri: string | null;
    tokenEndpoint: string | null;
    authorizationEndpoint: string | null;
    scopesSupported: string[];
    grantTypesSupported: string[];
    algorithmsSupported: string[];
  };
  issuerCheck: {
    expected: string[];
    actual: string | null;
    match: boolean;
    /** Why it does not match (trailing slash, wrong tenant, v1 vs v2, …); null on match. */
    diagnosis: string | null;
  };
  jwks: {
    url: string;
    ok: boolean;
    error: string | null;
    keys: TestedKey[];
  };
  /** Non-fatal observations (JWKS URI differs from discovery, algorithm not offered, …). */
  warnings: string[];
}

export interface IdpProfileDto {
  id: string;
  name: string;
  kind: IdpKind;
  settings: IdpSettings;
  /** Effective values (derived, or the admin's overrides). */
  issuers: string[];
  discoveryUrl: string;
  /** "" only for a generic OIDC profile that has not been tested yet (it comes from discovery). */
  jwksUri: string;
  algorithms: AsymmetricAlg[];
  requireTokenType: "at+jwt" | null;
  claimProfile: ClaimProfile;
  lastTestAt: string | null;
  lastTestOk: boolean | null;
  lastTestResult: TestConnectionResult | null;
  resourceCount: number;
  createdAt: string;
  updatedAt: string;
}
