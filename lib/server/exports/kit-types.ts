import type { IdpKind } from "@/lib/enforcer/policy";

/**
 * The plain input of every IdP kit generator: one resource and its IdP profile, already resolved
 * (no database, no clock). The generators are pure functions of this, so a fixed input gives a
 * byte-identical kit (snapshot tests rely on it).
 */
export interface KitInput {
  resource: {
    id: string;
    name: string;
    /** Canonical resource URI (RFC 8707 / RFC 9728 `resource`). */
    uri: string;
    /** The RFC 9728 metadata URL MCP clients discover (the enforcer's own `resourceMetadataUrl`). */
    metadataUrl: string;
    audiences: string[];
    scopes: { name: string; description: string }[];
    algorithms: string[];
    /** 0 = no limit configured in Portcullis. */
    maxTokenLifetimeSec: number;
    /** On-behalf-of downstreams (RFC 8693 token exchange / Entra OBO); empty when tools call nothing as the user. */
    obo: { name: string; grant: "entra_obo" | "token_exchange"; scope: string; audience?: string }[];
  };
  idp: {
    kind: IdpKind;
    name: string;
    issuers: string[];
    discoveryUrl: string;
    jwksUri: string;
    /** Entra only. */
    tenantId?: string;
    tokenVersion?: "v1" | "v2" | "both";
    /** Okta and Auth0. */
    domain?: string;
    /** Okta only. */
    authServerId?: string;
    requireAtJwt: boolean;
  };
}

/** One labelled value to copy into the IdP console. */
export interface KitValue {
  label: string;
  value: string;
}

/** Ids of the live checks (lib/server/idp-kit/verify.ts); each step names the checks that tick it. */
export type KitCheckId =
  | "discovery"
  | "issuer"
  | "token_version"
  | "jwks"
  | "pkce_s256"
  | "implicit_grant"
  | "scopes_published"
  | "token_exchange"
  | "dcr";

export interface KitStep {
  /** Stable id (`entra.expose-scopes`): the JSON export, verification and debugger advice point at it. */
  id: string;
  title: string;
  /** The screen path in the IdP's console ("App registrations → {app} → Expose an API"); null for generic OIDC. */
  where: string | null;
  /** What to do, one instruction per item, in the IdP's own words. */
  actions: string[];
  values: KitValue[];
  /** Live checks that confirm this step from outside. */
  checks: KitCheckId[];
  optional?: boolean;
}

export interface KitSection {
  id: string;
  title: string;
  steps: KitStep[];
}

/** The MCP client side: what a client discovers and must send. */
export interface KitClientSide {
  metadataUrl: string;
  authorizationServers: string[];
  /** Scopes exactly as a client requests them from this IdP (`api://…/mcp:tools` for Entra). */
  requestScopes: string[];
  /** Extra authorization request parameters (Auth0's `audience`, RFC 8707 `resource`). */
  extraParameters: KitValue[];
  pkce: "S256";
}

export interface Kit {
  kind: IdpKind;
  idpLabel: string;
  title: string;
  resource: { id: string; name: string; uri: string };
  summary: KitValue[];
  sections: KitSection[];
  client: KitClientSide;
}

/** Human names of the IdP kinds. */
export const IDP_LABEL: Record<IdpKind, string> = {
  entra: "Microsoft Entra ID",
  okta: "Okta",
  auth0: "Auth0",
  oidc: "Generic OIDC provider",
};
