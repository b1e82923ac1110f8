/**
 * `createTokenValidator`: access-token validation per RFC 9068 and RFC 8725, IdP-aware.
 * Order: size → cache → strict parse and alg allowlist → key by kid from the configured JWKS only →
 * signature → claims (iss, ID-token markers, aud, time, sub, lifetime) → profile normalization.
 */

import { normalizeClaims } from "./claim-profiles.js";
import { EnforcerError, ReasonCode } from "./errors.js";
import { createJwksCache } from "./jwks-cache.js";
import { parseCompactJws, parseJsonObject, verifyJwsSignature } from "./jws-verify.js";
import type { AsymmetricAlg } from "./policy.js";
import { checkTokenClaims, resolveValidatorOptions } from "./token-validator-options.js";
import type { JWTPayload, TokenValidator, TokenValidatorOptions, ValidatedToken } from "./types.js";
import { createVerifiedTokenCache } from "./verified-token-cache.js";

export { resolveValidatorOptions } from "./token-validator-options.js";

/** A validator that also says whether a result came from the verified-token cache. @example const { cacheHit } = await validator.validateDetailed(jwt) */
export interface DetailedTokenValidator extends TokenValidator {
  /** Like `validate`, plus `cacheHit`. */
  validateDetailed(token: string): Promise<{ token: ValidatedToken; cacheHit: boolean }>;
  /** Drops every cached result (e.g. after a revocation signal). */
  clearCache(): void;
}

/**
 * Creates a validator. Options are checked now: a bad option throws a `TypeError` at startup.
 *
 * @example
 * const validator = createTokenValidator({
 *   issuer: "https://login.microsoftonline.com/{tenant}/v2.0",
 *   audience: "api://mcp-files",
 *   jwksUri: "https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys",
 *   profile: "entra",
 * });
 * const { subject, scopes } = await validator.validate(bearerToken);
 */
export function createTokenValidator(options: TokenValidatorOptions): DetailedTokenValidator {
  const o = resolveValidatorOptions(options);
  const cache = createVerifiedTokenCache(o.verifiedCacheSize);
  const jwks = createJwksCache({
    jwksUri: o.jwksUri,
    issuer: o.issuers[0] ?? o.jwksUri,
    ttlSec: o.jwksCacheTtlSec,
    graceSec: o.jwksGraceSec,
    forcedRefreshMinIntervalSec: o.forcedRefreshMinIntervalSec,
    fetchTimeoutMs: o.fetchTimeoutMs,
    maxJwksBytes: o.maxJwksBytes,
    now: o.now,
    sink: o.sink,
    fetch: o.fetch,
    // A key left the JWKS (rotation finished or a key was revoked): forget what it verified.
    onKeyRemoved: () => cache.clear(),
  });

  async function validateDetailed(token: string): Promise<{ token: ValidatedToken; cacheHit: boolean }> {
    if (typeof token !== "string" || token.length === 0) throw new EnforcerError(ReasonCode.TokenMissing, "no token");
    // Size first: nothing of an oversized token is hashed, decoded or parsed.
    if (token.length > o.maxTokenBytes) {
      throw new EnforcerError(ReasonCode.TokenTooLarge, `token exceeds ${o.maxTokenBytes} bytes`);
    }
    const nowMs = o.now();
    const hit = cache.get(token, nowMs);
    // A hit is only as good as the keys that verified it: past the JWKS grace period, go the full way.
    if (hit && jwks.status() !== "expired") return { token: hit, cacheHit: true };

    const jws = parseCompactJws(token, { maxBytes: o.maxTokenBytes, algorithms: o.algorithms });
    const alg = jws.header.alg as AsymmetricAlg;
    checkTokenType(jws.header.typ, o.requireTokenType);
    const keyOrPromise = jwks.getKey(jws.header.kid, alg);
    const key = keyOrPromise instanceof Promise ? await keyOrPromise : keyOrPromise;
    if (!verifyJwsSignature(alg, key, jws.signingInput, jws.signature)) {
      throw new EnforcerError(ReasonCode.SignatureInvalid, "signature verification failed");
    }
    // Claims are read only after the signature holds: nothing unauthenticated reaches a decision.
    const claims = parseJsonObject(jws.payload, "payload") as JWTPayload;
    const nowSec = Math.floor(o.now() / 1000);
    const { subject, expiresAt } = checkTokenClaims(claims, o, nowSec);
    const normalized = normalizeClaims(o.profile, claims);
    const result: ValidatedToken = {
      claims,
      subject,
      clientId: normalized.clientId,
      scopes: normalized.scopes,
      roles: normalized.roles,
      expiresAt,
    };
    cache.set(token, result, nowMs);
    return { token: result, cacheHit: false };
  }

  return {
    validateDetailed,
    async validate(token) {
      return (await validateDetailed(token)).token;
    },
    clearCache: () => cache.clear(),
    close: () => cache.clear(),
  };
}

/** Explicit typing (RFC 8725 §3.11, RFC 9068 §2.1): only access-token types pass; `at+jwt` when required. */
function checkTokenType(typ: string | undefined, required: "at+jwt" | undefined): void {
  const t = typ?.toLowerCase();
  const isAtJwt = t === "at+jwt" || t === "application/at+jwt";
  if (required === "at+jwt") {
    if (!isAtJwt) throw new EnforcerError(ReasonCode.TokenTypeInvalid, `typ must be at+jwt, got ${typ ?? "none"}`);
    return;
  }
  // Without the requirement, plain JWTs are fine, but a token that says it is something else
  // (an ID token, a logout token, a DPoP proof, a SET) is never an access token.
  if (t !== undefined && !isAtJwt && t !== "jwt" && t !== "application/jwt") {
    throw new EnforcerError(ReasonCode.TokenTypeInvalid, `typ ${typ} is not an access token type`);
  }
}
