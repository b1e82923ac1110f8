/**
 * `createTokenValidator`: access-token validation per RFC 9068 and RFC 8725, IdP-aware.
 * Order: size → cache → strict parse and alg allowlist → key by kid from the configured JWKS only →
 * signature → claims (iss, ID-token markers, aud, time, sub, lifetime) → profile normalization.
 */

import type { KeyObject } from "node:crypto";
import { EnforcerError, ReasonCode } from "../errors.js";
import type { AsymmetricAlg } from "../policy.js";
import { normalizeClaims } from "./claim-profiles.js";
import { createJwksCache } from "./jwks-cache.js";
import { createJwsReader, ownJws, type ScratchJws } from "./jws-scratch.js";
import { parseJsonText, verifyJwsSignature } from "./jws-verify.js";
import type { JWTPayload, TokenValidator, TokenValidatorOptions, ValidatedToken } from "./types.js";
import { checkTokenClaims, resolveValidatorOptions } from "./validator-options.js";
import { createVerifiedTokenCache } from "./verified-cache.js";

export { resolveValidatorOptions } from "./validator-options.js";

/** What `validateDetailed` resolves to. @example const { token, cacheHit }: DetailedValidation = await validator.validateDetailed(jwt) */
export interface DetailedValidation {
  token: ValidatedToken;
  cacheHit: boolean;
}

/** A validator that also says whether a result came from the verified-token cache. @example const { cacheHit } = await validator.validateDetailed(jwt) */
export interface DetailedTokenValidator extends TokenValidator {
  /** Like `validate`, plus `cacheHit`. */
  validateDetailed(token: string): Promise<DetailedValidation>;
  /**
   * Like `validateDetailed`, but returns the result itself when no waiting is needed (a cache hit, or a
   * miss with `coalesceVerifications: false` and the key already in the JWKS cache) and throws
   * synchronously on failures found before the signature check; a Promise when the JWKS must be fetched
   * or the signature check is coalesced. The enforcer's hot path uses it to skip promise hops. `nowMs`: a
   * reading of the validator's own clock (`now`) the caller has just taken, to share it; else it reads one.
   */
  validateNow(token: string, nowMs?: number): DetailedValidation | Promise<DetailedValidation>;
  /**
   * The cached result for exactly this token when there is one that may still be served (before `exp`,
   * keys not past their grace period), else undefined. Never throws, never fetches, checks nothing else:
   * a miss must go through `validateNow`. `nowMs` as for `validateNow`.
   */
  peek(token: string, nowMs?: number): DetailedValidation | undefined;
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
    unknownKidMaxWaitMs: o.unknownKidMaxWaitMs,
    unknownKidMaxWaiters: o.unknownKidMaxWaiters,
    fetchTimeoutMs: o.fetchTimeoutMs,
    maxJwksBytes: o.maxJwksBytes,
    now: o.now,
    sink: o.sink,
    fetch: o.fetch,
    // A key left the JWKS (rotation finished or a key was revoked): forget what it verified.
    onKeyRemoved: () => cache.clear(),
  });

  // Tokens are decoded into one reused buffer (no allocation per miss); a check that has to wait takes a copy.
  const reader = createJwsReader(o.maxTokenBytes);

  function validateNow(token: string, clockMs?: number): DetailedValidation | Promise<DetailedValidation> {
    if (typeof token !== "string" || token.length === 0) throw new EnforcerError(ReasonCode.TokenMissing, "no token");
    // Size first: nothing of an oversized token is hashed, decoded or parsed.
    if (token.length > o.maxTokenBytes) {
      throw new EnforcerError(ReasonCode.TokenTooLarge, `token exceeds ${o.maxTokenBytes} bytes`);
    }
    const nowMs = clockMs ?? o.now();
    const hit = cached(token, nowMs);
    if (hit) return hit;

    const jws = reader.read(token, o.algorithms);
    const alg = jws.header.alg as AsymmetricAlg;
    checkTokenType(jws.header.typ, o.requireTokenType);
    const keyOrPromise = jwks.getKey(jws.header.kid, alg, nowMs);
    if (keyOrPromise instanceof Promise) {
      const owned = ownJws(jws);
      return keyOrPromise.then((key) => verifyAndCheck(token, owned, alg, key, nowMs));
    }
    if (o.coalesceVerifications && concurrent()) return coalesced(token, ownJws(jws), alg, keyOrPromise, nowMs);
    // Checked at once: the claims are judged at this call's reading (a signature check later, not a wait).
    return verifyAndCheck(token, jws, alg, keyOrPromise, nowMs, nowMs);
  }

  /** Misses waiting for the next batch of signature checks (see `coalesceVerifications`). */
  let batch: (() => void)[] = [];
  /** True while misses arrive together (the last batch held more than one). */
  let coalescing = false;
  /** A miss was checked at once in this event-loop turn (reset by an immediate). */
  let missThisTurn = false;
  const endTurn = () => {
    missThisTurn = false;
  };

  /**
   * Whether this miss should wait for the turn's batch. A lone miss is checked at once (deferring it would
   * only add an event-loop hop); a second miss in the same turn switches to batches, and a batch of one
   * switches back.
   */
  function concurrent(): boolean {
    if (coalescing || batch.length > 0) return true;
    if (missThisTurn) {
      coalescing = true;
      return true;
    }
    missThisTurn = true;
    setImmediate(endTurn);
    return false;
  }

  function coalesced(
    token: string,
    jws: ScratchJws,
    alg: AsymmetricAlg,
    key: KeyObject,
    nowMs: number,
  ): Promise<DetailedValidation> {
    return new Promise((resolve, reject) => {
      if (batch.length === 0) setImmediate(runBatch);
      batch.push(() => {
        try {
          resolve(verifyAndCheck(token, jws, alg, key, nowMs));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** Runs every queued check back to back (each settles its own promise; one failure never touches another). */
  function runBatch(): void {
    const jobs = batch;
    batch = [];
    if (jobs.length === 1) coalescing = false;
    for (const job of jobs) job();
  }

  function verifyAndCheck(
    token: string,
    jws: ScratchJws,
    alg: AsymmetricAlg,
    key: KeyObject,
    nowMs: number,
    /** The time to judge the claims at, when the check runs in the same turn as `nowMs` was read; else read now. */
    claimsNowMs?: number,
  ): DetailedValidation {
    if (!verifyJwsSignature(alg, key, jws.signingInput, jws.signature)) {
      throw new EnforcerError(ReasonCode.SignatureInvalid, "signature verification failed");
    }
    // Claims are read only after the signature holds: nothing unauthenticated reaches a decision.
    const claims = parseJsonText(jws.payloadText, "payload") as JWTPayload;
    const nowSec = Math.floor((claimsNowMs ?? o.now()) / 1000);
    const { subject, expiresAt } = checkTokenClaims(claims, o, nowSec);
    const normalized = normalizeClaims(o.profile, claims, o.claims);
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

  function cached(token: string, nowMs: number): DetailedValidation | undefined {
    const hit = cache.get(token, nowMs);
    // A hit is only as good as the keys that verified it: past the JWKS grace period, go the full way.
    return hit && jwks.status(nowMs) !== "expired" ? { token: hit, cacheHit: true } : undefined;
  }

  async function validateDetailed(token: string): Promise<DetailedValidation> {
    return validateNow(token);
  }

  return {
    validateDetailed,
    validateNow,
    peek: (token, nowMs) =>
      typeof token === "string" && token.length <= o.maxTokenBytes ? cached(token, nowMs ?? o.now()) : undefined,
    async validate(token) {
      return (await validateNow(token)).token;
    },
    clearCache: () => cache.clear(),
    close: () => cache.clear(),
  };
}

/**
 * Explicit typing (RFC 8725 §3.11, RFC 9068 §2.1): only access-token types pass; `at+jwt` when required.
 * Throws `token_type_invalid`. Exported for the control plane's token debugger (same check, no copy).
 *
 * @example
 * checkTokenType("JWT", undefined); // ok
 * checkTokenType("JWT", "at+jwt"); // throws EnforcerError(token_type_invalid)
 */
export function checkTokenType(typ: string | undefined, required: "at+jwt" | undefined): void {
  // The usual header (`typ: "JWT"` or none, no requirement) passes without lowercasing a copy.
  if (required === undefined && (typ === undefined || typ === "JWT")) return;
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
