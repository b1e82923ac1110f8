/** Types of the token validator: its options, what a verified token carries, and the validator seam. */
import type { JWTPayload } from "jose";
import type { EnforcerError } from "../errors.js";
import type { AsymmetricAlg, ClaimSettings, IdpKind } from "../policy.js";
import type { TelemetrySink } from "../telemetry/types.js";

/** The claim shape of a verified JWT (jose's type: registered claims plus anything else). @example const sub: string | undefined = (claims as JWTPayload).sub */
export type { JWTPayload };

/**
 * Options of {@link createTokenValidator}. Checked at construction: a bad option throws a `TypeError` at startup,
 * never on the first request.
 *
 * @example
 * const opts: TokenValidatorOptions = { issuer: "https://idp.example.com/", audience: "api://mcp", jwksUri: "https://idp.example.com/.well-known/jwks.json", profile: "auth0" };
 */
export interface TokenValidatorOptions {
  /** Exact `iss` value(s) accepted (Entra may need both the v1 and v2 forms). */
  issuer: string | readonly string[];
  /** Exact audience(s): the token's `aud` (string or array) must contain one of them. */
  audience: string | readonly string[];
  /** The IdP's JWKS endpoint (the only source of keys; `jku`/`x5u`/`jwk` headers are ignored). */
  jwksUri: string;
  /** Allowed JWS algorithms (asymmetric only). Default `["RS256"]`. */
  algorithms?: readonly AsymmetricAlg[];
  /** Leeway for `exp`/`nbf`/`iat`, seconds. Default 30. */
  clockToleranceSec?: number;
  /** How scopes, roles and the client id are read from the claims. Default `"oidc"`. */
  profile?: IdpKind;
  /**
   * The IdP profile's explicit claim settings (where scopes, roles, the client id and accepted `ver` values live).
   * Default: the preset of `profile`, no `ver` check.
   */
  claims?: ClaimSettings;
  /** Require the RFC 9068 `typ` header (`at+jwt` or `application/at+jwt`). */
  requireTokenType?: "at+jwt";
  /** Tokens longer than this (bytes) are refused before any parsing. Default 8192. */
  maxTokenBytes?: number;
  /**
   * Refuse tokens whose `exp - iat` exceeds this many seconds. Default 86,400 (one day, issue 10 #15: a token
   * minted for years is refused); 0 disables the bound.
   */
  maxTokenLifetimeSec?: number;
  /** JWKS cache time-to-live, seconds. Default 300. */
  jwksCacheTtlSec?: number;
  /** How long cached keys keep serving after the TTL when the IdP is unreachable, seconds. Default 3600. */
  jwksGraceSec?: number;
  /** At most one forced (unknown-kid) refresh per this many seconds. Default 10. */
  forcedRefreshMinIntervalSec?: number;
  /**
   * While that throttle is held, a token with an unknown kid waits for the next permitted refresh (a key the IdP
   * just published is then found) at most this long, ms. Default 15,000; 0 refuses at once (before issue 23).
   */
  unknownKidMaxWaitMs?: number;
  /** Requests that may wait so at the same time; beyond, refused at once. Default 10,000. */
  unknownKidMaxWaiters?: number;
  /** JWKS fetch timeout, milliseconds. Default 5000. */
  fetchTimeoutMs?: number;
  /** Largest JWKS document accepted, bytes. Default 512 KiB. */
  maxJwksBytes?: number;
  /** Receives `jwks_refresh` events. */
  sink?: TelemetrySink;
  /** Clock in epoch milliseconds (tests freeze it). Default `Date.now`. */
  now?: () => number;
  /** Capacity of the verified-token LRU (0 disables it). Default 10000. */
  verifiedCacheSize?: number;
  /**
   * For servers: when several tokens that miss the verified-token cache arrive in the same event-loop turn
   * (concurrent requests), run their signature checks back to back in one `setImmediate` callback instead
   * of one between each request's HTTP work. Interleaved with HTTP parsing and socket writes, an RS256
   * check costs far more server CPU than in a tight loop; batched, the server does ≈35% less CPU work per
   * miss at 32 connections and ≈15% less at 4 (`npm run bench:enforcer`, row "coalescing off"). A lone miss
   * is still checked at once, and hits are never deferred. Off by default here, because a caller that
   * validates tokens one after another in one turn (`await` in a loop) would pay an event-loop hop each;
   * `createEnforcer` turns it on.
   */
  coalesceVerifications?: boolean;
  /** Fetch implementation for the JWKS (tests, proxies). Default global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * A token that passed every check, normalized across IdP profiles.
 *
 * @example
 * const t: ValidatedToken = await validator.validate(jwt); if (t.scopes.includes("mcp:tools")) ...
 */
export interface ValidatedToken {
  claims: JWTPayload;
  subject: string;
  clientId: string | undefined;
  scopes: string[];
  roles: string[];
  /** `exp`, epoch seconds. */
  expiresAt: number;
}

/**
 * Validates bearer tokens; throws {@link EnforcerError} on any failure.
 *
 * @example
 * const token = await validator.validate(bearer);
 */
export interface TokenValidator {
  validate(token: string): Promise<ValidatedToken>;
  /** Stops background work (none today; kept for adapters that own the validator). */
  close?(): void;
}
