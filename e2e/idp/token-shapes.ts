import { createHash } from "node:crypto";

export type IdpShape = "entra" | "okta" | "auth0" | "oidc";

export const DEFAULT_ENTRA_TENANT = "c0ffee00-0000-4000-8000-00000000c0de";

/** Everything a shaped access token is built from; the same facts for provider-issued and minted tokens. */
export interface AccessTokenFacts {
  shape: IdpShape;
  issuer: string;
  tenantId: string;
  /** Account id; undefined for app-only (client credentials) tokens. */
  sub: string | undefined;
  clientId: string;
  scopes: string[];
  audience: string | string[];
  jti: string;
  iat: number;
  exp: number;
}

export interface ShapedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** Issuer per shape (DOMAIN.md, "Identity providers"): the provider is mounted under the issuer's path. */
export function issuerFor(shape: IdpShape, port: number, tenantId: string): string {
  const origin = `http://127.0.0.1:${port}`;
  switch (shape) {
    case "entra":
      return `${origin}/${tenantId}/v2.0`;
    case "okta":
      return `${origin}/oauth2/default`;
    case "auth0":
      return `${origin}/`; // Auth0 issuers end with a slash, and `iss` must match it exactly.
    case "oidc":
      return origin;
  }
}

export function defaultAudienceFor(shape: IdpShape): string {
  return shape === "okta" ? "api://default" : "api://portcullis-test";
}

/** Endpoint paths (relative to the issuer) that look like the real IdP's; the rest keep oidc-provider's defaults. */
export function routesFor(shape: IdpShape): Record<string, string> {
  switch (shape) {
    case "okta":
      return {
        authorization: "/v1/authorize",
        token: "/v1/token",
        jwks: "/v1/keys",
        userinfo: "/v1/userinfo",
        registration: "/v1/clients",
        revocation: "/v1/revoke",
        end_session: "/v1/logout",
      };
    case "auth0":
      return {
        authorization: "/authorize",
        token: "/oauth/token",
        jwks: "/.well-known/jwks.json",
        userinfo: "/userinfo",
        registration: "/oidc/register",
        revocation: "/oauth/revoke",
        end_session: "/oidc/logout",
      };
    default:
      return {};
  }
}

/** Deterministic GUID for Entra's `oid` (object ids are GUIDs, stable per principal). */
export function stableGuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function oktaUserId(sub: string): string {
  return `00u${createHash("sha256").update(sub).digest("base64url").slice(0, 17)}`;
}

/**
 * Entra requests name scopes as `{app id uri}/{scope}` and `.default` means "everything granted";
 * its tokens carry the bare names. Other shapes get their scopes back unchanged.
 */
export function normalizeScopes(
  shape: IdpShape,
  scopes: string[],
  audience: string | string[],
  allScopes: string[],
): string[] {
  if (shape !== "entra") return scopes;
  const prefixes = (Array.isArray(audience) ? audience : [audience]).map((aud) => `${aud}/`);
  const out = new Set<string>();
  for (const scope of scopes) {
    const prefix = prefixes.find((p) => scope.startsWith(p));
    const bare = prefix ? scope.slice(prefix.length) : scope;
    if (bare === ".default") for (const s of allScopes) out.add(s);
    else out.add(bare);
  }
  return [...out];
}

const dropEmpty = (value: string) => (value === "" ? undefined : value);

/** Header and payload of an access token as the chosen IdP would issue it (claims per DOMAIN.md). */
export function shapeAccessToken(f: AccessTokenFacts): ShapedToken {
  const appOnly = f.sub === undefined;
  const times = { iat: f.iat, exp: f.exp };
  switch (f.shape) {
    case "entra": {
      // v2 tokens: user tokens carry `scp`, app-only tokens `roles` (application permissions).
      const oid = stableGuid(appOnly ? `sp:${f.clientId}` : `user:${f.sub}`);
      return {
        header: { typ: "JWT" },
        payload: {
          aud: f.audience,
          iss: f.issuer,
          ...times,
          nbf: f.iat,
          azp: f.clientId,
          azpacr: "1",
          ...(appOnly ? { idtyp: "app", roles: f.scopes } : { scp: dropEmpty(f.scopes.join(" ")) }),
          oid,
          sub: f.sub ?? oid,
          tid: f.tenantId,
          uti: f.jti,
          ver: "2.0",
        },
      };
    }
    case "okta":
      return {
        header: { typ: "JWT" },
        payload: {
          ver: 1,
          jti: `AT.${f.jti}`,
          iss: f.issuer,
          aud: f.audience,
          ...times,
          cid: f.clientId,
          ...(appOnly ? {} : { uid: oktaUserId(f.sub ?? "") }),
          scp: f.scopes,
          sub: f.sub ?? f.clientId,
        },
      };
    case "auth0":
      return {
        header: { typ: "JWT" },
        payload: {
          iss: f.issuer,
          sub: f.sub ?? `${f.clientId}@clients`,
          aud: f.audience,
          ...times,
          jti: f.jti,
          scope: dropEmpty(f.scopes.join(" ")),
          azp: f.clientId,
          ...(appOnly ? { gty: "client-credentials" } : {}),
          permissions: f.scopes,
        },
      };
    case "oidc":
      // RFC 9068 §2.2: typ at+jwt, client_id, scope; app-only tokens use the client id as sub.
      return {
        header: { typ: "at+jwt" },
        payload: {
          iss: f.issuer,
          sub: f.sub ?? f.clientId,
          aud: f.audience,
          ...times,
          jti: f.jti,
          client_id: f.clientId,
          scope: dropEmpty(f.scopes.join(" ")),
        },
      };
  }
}

/** Claims to merge last; an `undefined` value removes the claim (attack tests drop `sub`, `exp`, …). */
export function mergeClaims(base: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const out: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out;
}
