/**
 * Validator options (defaults and startup checks) and the claim rules of RFC 9068 §4 / RFC 8725.
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import { AsymmetricAlg, ClaimSettings, IdpKind } from "../policy.js";
import type { TelemetrySink } from "../telemetry/types.js";
import type { JWTPayload, TokenValidatorOptions } from "./types.js";

/** Issue 10 #15: a token that lives longer than a day is refused unless the policy raises (or, with 0, drops) the bound. */
const DEFAULT_MAX_TOKEN_LIFETIME_SEC = 86_400;

/** Options with every default applied. @example resolveValidatorOptions(opts).clockToleranceSec // 30 */
export interface ResolvedValidatorOptions {
  issuers: readonly string[];
  audiences: readonly string[];
  jwksUri: string;
  algorithms: readonly AsymmetricAlg[];
  clockToleranceSec: number;
  profile: IdpKind;
  claims: ClaimSettings | undefined;
  requireTokenType: "at+jwt" | undefined;
  maxTokenBytes: number;
  maxTokenLifetimeSec: number;
  jwksCacheTtlSec: number;
  jwksGraceSec: number;
  forcedRefreshMinIntervalSec: number;
  unknownKidMaxWaitMs: number;
  unknownKidMaxWaiters: number;
  fetchTimeoutMs: number;
  maxJwksBytes: number;
  sink: TelemetrySink | undefined;
  now: () => number;
  verifiedCacheSize: number;
  coalesceVerifications: boolean;
  fetch: typeof fetch | undefined;
}

/**
 * Applies defaults and checks every option, throwing `TypeError` ("fail at startup, not on the first request").
 *
 * @example
 * resolveValidatorOptions({ issuer: "https://idp/", audience: "api://x", jwksUri: "https://idp/jwks" }).algorithms // ["RS256"]
 */
export function resolveValidatorOptions(options: TokenValidatorOptions): ResolvedValidatorOptions {
  if (options === null || typeof options !== "object") throw new TypeError("options are required");
  const issuers = nonEmptyList(options.issuer, "issuer");
  const audiences = nonEmptyList(options.audience, "audience");
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(options.jwksUri);
  } catch {
    throw new TypeError("jwksUri must be an absolute URL");
  }
  if (jwksUrl.protocol !== "https:" && jwksUrl.protocol !== "http:") throw new TypeError("jwksUri must be http(s)");
  const algorithms = options.algorithms ?? ["RS256"];
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw new TypeError("algorithms must be a non-empty list");
  for (const alg of algorithms) {
    // `none` and HMAC are not representable: an IdP's tokens are verified with public keys only.
    if (!AsymmetricAlg.safeParse(alg).success) throw new TypeError(`algorithm ${String(alg)} is not allowed`);
  }
  const profile = options.profile ?? "oidc";
  if (!IdpKind.safeParse(profile).success) throw new TypeError(`unknown profile ${String(profile)}`);
  const claimSettings = options.claims === undefined ? undefined : ClaimSettings.safeParse(options.claims);
  if (claimSettings && !claimSettings.success) {
    throw new TypeError(
      `claims: ${claimSettings.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  }
  if (options.requireTokenType !== undefined && options.requireTokenType !== "at+jwt") {
    throw new TypeError('requireTokenType must be "at+jwt" or absent');
  }
  if (options.now !== undefined && typeof options.now !== "function") throw new TypeError("now must be a function");
  return {
    issuers,
    audiences,
    jwksUri: jwksUrl.href,
    algorithms: [...new Set(algorithms)],
    clockToleranceSec: int(options.clockToleranceSec, 30, 0, 600, "clockToleranceSec"),
    profile,
    claims: claimSettings?.data,
    requireTokenType: options.requireTokenType,
    maxTokenBytes: int(options.maxTokenBytes, 8192, 256, 1_048_576, "maxTokenBytes"),
    maxTokenLifetimeSec: int(
      options.maxTokenLifetimeSec,
      DEFAULT_MAX_TOKEN_LIFETIME_SEC,
      0,
      31_536_000,
      "maxTokenLifetimeSec",
    ),
    jwksCacheTtlSec: int(options.jwksCacheTtlSec, 300, 1, 86_400, "jwksCacheTtlSec"),
    jwksGraceSec: int(options.jwksGraceSec, 3600, 0, 604_800, "jwksGraceSec"),
    forcedRefreshMinIntervalSec: int(options.forcedRefreshMinIntervalSec, 10, 0, 3600, "forcedRefreshMinIntervalSec"),
    unknownKidMaxWaitMs: int(options.unknownKidMaxWaitMs, 15_000, 0, 600_000, "unknownKidMaxWaitMs"),
    unknownKidMaxWaiters: int(options.unknownKidMaxWaiters, 10_000, 0, 1_000_000, "unknownKidMaxWaiters"),
    fetchTimeoutMs: int(options.fetchTimeoutMs, 5000, 1, 120_000, "fetchTimeoutMs"),
    maxJwksBytes: int(options.maxJwksBytes, 512 * 1024, 1024, 16 * 1024 * 1024, "maxJwksBytes"),
    sink: options.sink,
    now: options.now ?? Date.now,
    verifiedCacheSize: int(options.verifiedCacheSize, 10_000, 0, 10_000_000, "verifiedCacheSize"),
    coalesceVerifications: bool(options.coalesceVerifications, false, "coalesceVerifications"),
    fetch: options.fetch,
  };
}

/**
 * Checks the registered claims of a verified payload. Returns `sub` and `exp`.
 *
 * @example
 * const { subject } = checkTokenClaims(claims, resolved, Math.floor(Date.now() / 1000));
 */
export function checkTokenClaims(
  claims: JWTPayload,
  o: ResolvedValidatorOptions,
  nowSec: number,
): { subject: string; expiresAt: number } {
  // RFC 8725 §3.8 / RFC 9068 §4: exact issuer (no normalization: a trailing slash is a different issuer).
  if (typeof claims.iss !== "string" || !o.issuers.includes(claims.iss)) {
    throw new EnforcerError(ReasonCode.IssuerMismatch, `iss ${JSON.stringify(claims.iss ?? null)} is not trusted`);
  }
  // OIDC Core §2/§3.1.3.6: nonce and at_hash exist only in ID tokens; an ID token is proof of a
  // sign-in for a client, never an authorization for an API (checked before aud for a clear reason).
  if (claims.nonce !== undefined || claims.at_hash !== undefined || claims.c_hash !== undefined) {
    throw new EnforcerError(ReasonCode.IdTokenRejected, "an ID token is not an access token");
  }
  const aud = claims.aud;
  const audienceOk =
    typeof aud === "string"
      ? o.audiences.includes(aud)
      : Array.isArray(aud) && aud.some((a) => typeof a === "string" && o.audiences.includes(a));
  if (!audienceOk) {
    throw new EnforcerError(ReasonCode.AudienceMismatch, `aud ${JSON.stringify(aud ?? null)} is not this resource`);
  }
  const leeway = o.clockToleranceSec;
  const exp = numericDate(claims.exp, "exp");
  if (exp === undefined) throw new EnforcerError(ReasonCode.ClaimMissing, "exp is required");
  if (nowSec > exp + leeway) throw new EnforcerError(ReasonCode.TokenExpired, "token has expired");
  const nbf = numericDate(claims.nbf, "nbf");
  if (nbf !== undefined && nbf > nowSec + leeway)
    throw new EnforcerError(ReasonCode.TokenNotYetValid, "token is not valid yet");
  const iat = numericDate(claims.iat, "iat");
  if (iat !== undefined && iat > nowSec + leeway) {
    throw new EnforcerError(ReasonCode.TokenIssuedInFuture, "token was issued in the future");
  }
  if (o.maxTokenLifetimeSec > 0) {
    const start = iat ?? nbf;
    if (start === undefined)
      throw new EnforcerError(ReasonCode.ClaimMissing, "iat is required to bound the token lifetime");
    if (exp - start > o.maxTokenLifetimeSec) {
      throw new EnforcerError(ReasonCode.TokenLifetimeTooLong, `token lifetime exceeds ${o.maxTokenLifetimeSec} s`);
    }
  }
  if (typeof claims.sub !== "string" || claims.sub.length === 0)
    throw new EnforcerError(ReasonCode.ClaimMissing, "sub is required");
  // The token version the IdP profile accepts (Entra's `ver` follows the API's accessTokenAcceptedVersion).
  const versions = o.claims?.tokenVersions;
  if (versions && versions.length > 0) {
    const ver = claims.ver;
    if ((typeof ver !== "string" && typeof ver !== "number") || !versions.includes(String(ver))) {
      throw new EnforcerError(
        ReasonCode.TokenVersionMismatch,
        `ver ${JSON.stringify(ver ?? null)} is not one of ${versions.join(", ")}`,
      );
    }
  }
  return { subject: claims.sub, expiresAt: exp };
}

function bool(value: boolean | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
  return value;
}

function numericDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new EnforcerError(ReasonCode.TokenMalformed, `${name} must be a NumericDate`);
  }
  return value;
}

function nonEmptyList(value: string | readonly string[] | undefined, name: string): readonly string[] {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === "string" && v.length > 0)) {
    throw new TypeError(`${name} must be a non-empty string or list of strings`);
  }
  return [...list];
}

function int(value: number | undefined, dflt: number, min: number, max: number, name: string): number {
  if (value === undefined) return dflt;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new TypeError(`${name} must be an integer in [${min}, ${max}]`);
  return value;
}
