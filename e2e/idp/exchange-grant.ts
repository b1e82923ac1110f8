import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";
import { errors, type KoaContextWithOIDC, type Provider } from "oidc-provider";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/** The account id whose exchanges fail like an Entra OBO without admin consent. */
export const NEEDS_CONSENT_ACCOUNT = "needs-consent";

export interface ExchangeGrantDeps {
  issuer: string;
  alg: string;
  defaultAudience: string;
  scopes: string[];
  ttlSec: number;
  /** The JWKS currently published, so a rotated-out key stops validating once dropped. */
  publishedJwks: () => JSONWebKeySet;
}

function param(ctx: KoaContextWithOIDC, name: string): string | undefined {
  const value = ctx.oidc.params?.[name];
  if (Array.isArray(value)) throw new errors.InvalidTarget(`only one ${name} value is supported`);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Scopes wherever the shapes put them: `scp` string (Entra) or array (Okta), `scope` string. */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scp ?? payload.scope;
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return typeof raw === "string" ? raw.split(" ").filter(Boolean) : [];
}

/**
 * Entra OBO asks for `{app id uri}/{scope}` (or `/.default`); the prefix names the downstream
 * API, which becomes the new token's audience.
 */
function splitQualifiedScopes(scope: string, deps: ExchangeGrantDeps): { audience?: string; scopes: string[] } {
  let audience: string | undefined;
  const scopes = new Set<string>();
  for (const item of scope.split(" ").filter(Boolean)) {
    const cut = item.lastIndexOf("/");
    const bare = cut > item.indexOf("://") + 2 ? item.slice(cut + 1) : item;
    if (bare !== item) audience ??= item.slice(0, cut);
    if (bare === ".default") for (const s of deps.scopes) scopes.add(s);
    else scopes.add(bare);
  }
  return { audience, scopes: [...scopes] };
}

async function verifySubject(token: string, deps: ExchangeGrantDeps): Promise<{ sub: string; payload: JWTPayload }> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(deps.publishedJwks()), {
      issuer: deps.issuer,
      algorithms: [deps.alg],
    });
    if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("subject token has no sub");
    if (payload.sub === NEEDS_CONSENT_ACCOUNT) {
      // Entra answers an OBO for an API nobody consented to with interaction_required (AADSTS65001).
      throw new errors.InteractionRequired(
        "AADSTS65001: The user or administrator has not consented to use the application.",
      );
    }
    return { sub: payload.sub, payload };
  } catch (err) {
    if (err instanceof Error && "error" in err && err.error === "interaction_required") throw err;
    const invalid = new errors.InvalidGrant(err instanceof Error ? err.message : "subject token invalid");
    invalid.error_description = "subject token is invalid, expired or not issued by this authorization server";
    throw invalid;
  }
}

async function issue(
  ctx: KoaContextWithOIDC,
  sub: string,
  audience: string,
  scopes: string[],
  deps: ExchangeGrantDeps,
) {
  const { client, provider } = ctx.oidc;
  if (!client) throw new errors.InvalidRequest("client authentication required");
  const scope = scopes.join(" ");
  const token = new provider.AccessToken({ accountId: sub, client, gty: "token_exchange", scope });
  token.resourceServer = new provider.ResourceServer(audience, {
    audience,
    scope,
    accessTokenFormat: "jwt",
    accessTokenTTL: deps.ttlSec,
    jwt: { sign: { alg: deps.alg } },
  });
  const accessToken = await token.save();
  return { access_token: accessToken, token_type: "Bearer", expires_in: token.expiration, scope };
}

/**
 * RFC 8693 token exchange and Entra's on-behalf-of (RFC 7523 jwt-bearer with
 * `requested_token_use=on_behalf_of`). oidc-provider has neither built in.
 */
export function registerExchangeGrants(provider: Provider, deps: ExchangeGrantDeps): void {
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx) => {
      const subjectToken = param(ctx, "subject_token");
      const subjectType = param(ctx, "subject_token_type");
      if (!subjectToken) throw new errors.InvalidRequest("missing required parameter 'subject_token'");
      // RFC 8693 §2.1: only access tokens (or plain JWTs) of this issuer are accepted here.
      if (subjectType !== ACCESS_TOKEN_TYPE && subjectType !== JWT_TOKEN_TYPE) {
        throw new errors.InvalidRequest("subject_token_type must be an access_token or jwt token type");
      }
      const { sub, payload } = await verifySubject(subjectToken, deps);
      const audience = param(ctx, "audience") ?? param(ctx, "resource") ?? deps.defaultAudience;
      const requested = param(ctx, "scope");
      // RFC 8693 §2.1: without `scope`, the new token keeps the subject token's scopes.
      const scopes = requested ? splitQualifiedScopes(requested, deps).scopes : scopesOf(payload);
      ctx.body = { ...(await issue(ctx, sub, audience, scopes, deps)), issued_token_type: ACCESS_TOKEN_TYPE };
    },
    ["subject_token", "subject_token_type", "requested_token_type", "audience", "resource", "scope"],
    ["audience", "resource"],
  );

  provider.registerGrantType(
    JWT_BEARER_GRANT,
    async (ctx) => {
      const assertion = param(ctx, "assertion");
      if (!assertion) throw new errors.InvalidRequest("missing required parameter 'assertion'");
      if (param(ctx, "requested_token_use") !== "on_behalf_of") {
        throw new errors.InvalidRequest("requested_token_use must be on_behalf_of");
      }
      const requested = param(ctx, "scope");
      if (!requested) throw new errors.InvalidRequest("missing required parameter 'scope'");
      const { sub } = await verifySubject(assertion, deps);
      const { audience, scopes } = splitQualifiedScopes(requested, deps);
      ctx.body = await issue(ctx, sub, audience ?? deps.defaultAudience, scopes, deps);
    },
    ["assertion", "requested_token_use", "scope"],
  );
}
