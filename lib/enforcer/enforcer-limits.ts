/**
 * Per-client rate limits and the failed-authentication lockout, through the optional
 * {@link RateLimiter} seam (in memory or on Redis; absent: no limiting). DOMAIN.md defaults: tool
 * invocations 100/min, resource reads 500/min, failed auth 5 per 5 min then blocked 15 min.
 *
 * Keys (limits/keys.ts): `tool|c={client}|s={subject}` and `resource|…` per user of a client, optional
 * client-wide caps `tool|c={client}|*`, lockout `fail|a={address}` and `lock|a={address}` (IPv6 per /64),
 * every part percent-encoded so that no client id can spell another key. The lockout is keyed by the network address the adapter
 * reports, never by claims of a token that failed validation (an attacker could lock out a victim
 * client by forging its id), and is skipped when no address is known (one shared key would let one
 * client lock out everyone). A limit of 0 disables that limit.
 */
import { createHash } from "node:crypto";
import { EnforcerError, ReasonCode } from "./errors.js";
import { clientKey, lockoutKey, userKey } from "./limits/keys.js";
import type { RateLimiter } from "./limits/types.js";
import type { JsonRpcInfo } from "./mcp/jsonrpc.js";
import type { EnforcerPolicy } from "./policy.js";
import { safeEmit } from "./telemetry/sink.js";
import type { TelemetrySink } from "./telemetry/types.js";
import type { ValidatedToken } from "./token/types.js";

/**
 * Refuses a locked-out address (429) before any token work. Needs `peek` on the limiter.
 *
 * @example
 * await checkLockout(limiter, policy, "203.0.113.7");
 */
export async function checkLockout(
  limiter: RateLimiter | undefined,
  policy: EnforcerPolicy,
  address: string | undefined,
): Promise<void> {
  const limits = policy.rateLimits;
  if (!limiter?.peek || address === undefined || limits.failedAuthMax === 0 || limits.failedAuthBlockSec === 0) return;
  let r: Awaited<ReturnType<RateLimiter["hit"]>>;
  try {
    r = await limiter.peek(lockoutKey("lock", address), 1, limits.failedAuthBlockSec);
  } catch {
    return; // fail open, as for the other limits
  }
  if (!r.allowed) {
    throw new EnforcerError(ReasonCode.RateLimited, "too many failed authentications", {
      retryAfterSec: r.retryAfterSec,
    });
  }
}

/**
 * Counts one failed authentication; past `failedAuthMax` in `failedAuthWindowSec`, locks the address
 * for `failedAuthBlockSec`. Limiter errors are swallowed: the request is refused anyway.
 *
 * @example
 * await recordFailedAuth(limiter, policy, address, sink, Date.now);
 */
export async function recordFailedAuth(
  limiter: RateLimiter | undefined,
  policy: EnforcerPolicy,
  address: string | undefined,
  sink: TelemetrySink | undefined,
  now: () => number,
): Promise<void> {
  const limits = policy.rateLimits;
  if (!limiter || address === undefined || limits.failedAuthMax === 0) return;
  try {
    const r = await limiter.hit(lockoutKey("fail", address), limits.failedAuthMax, limits.failedAuthWindowSec);
    if (r.allowed) return;
    if (limits.failedAuthBlockSec > 0) await limiter.hit(lockoutKey("lock", address), 1, limits.failedAuthBlockSec);
    safeEmit(sink, {
      type: "rate_limit",
      at: now(),
      clientId: address,
      category: "failed_auth",
      resource: policy.resource.uri,
    });
  } catch {
    // Best effort: the request is already being refused.
  }
}

/**
 * Applies the per-client limit of the message's category (`tools/call` → tool, `resources/read` →
 * resource). A limiter outage fails open: rate limiting protects availability, it is not the
 * authorization boundary, and a Redis hiccup must not take every MCP server down with it.
 *
 * @example
 * await applyRateLimits(limiter, policy, token, rpc, sink, Date.now);
 */
export async function applyRateLimits(
  limiter: RateLimiter | undefined,
  policy: EnforcerPolicy,
  token: ValidatedToken,
  rpc: JsonRpcInfo,
  sink: TelemetrySink | undefined,
  now: () => number,
): Promise<void> {
  if (!limiter) return;
  let category: "tool" | "resource";
  let limit: number;
  let clientLimit: number;
  const limits = policy.rateLimits;
  if (rpc.method === "tools/call") {
    category = "tool";
    limit = limits.toolInvocationsPerMin;
    clientLimit = limits.clientToolInvocationsPerMin ?? 0;
  } else if (rpc.method === "resources/read") {
    category = "resource";
    limit = limits.resourceReadsPerMin;
    clientLimit = limits.clientResourceReadsPerMin ?? 0;
  } else {
    return;
  }
  const client = token.clientId ?? `sub:${token.subject}`; // telemetry's label, not a key
  const wide = clientLimit > 0 ? clientKey(category, token) : undefined;
  let r: Awaited<ReturnType<RateLimiter["hit"]>> | undefined;
  try {
    if (limit > 0) r = await limiter.hit(userKey(category, token), limit, 60);
    // The client-wide budget is spent only by calls the user's own budget let through.
    if (wide && (r === undefined || r.allowed)) r = await limiter.hit(wide, clientLimit, 60);
  } catch {
    return;
  }
  if (r === undefined || r.allowed) return;
  safeEmit(sink, { type: "rate_limit", at: now(), clientId: client, category, resource: policy.resource.uri });
  throw new EnforcerError(ReasonCode.RateLimited, `${category} rate limit exceeded`, {
    retryAfterSec: r.retryAfterSec,
  });
}

/**
 * Issue 13 #3, DOMAIN.md "token refresh 10/hour per client": a resource server sees a refresh as a token it has not
 * seen before. Called for tokens that missed the verified-token cache; the limiter decides whether this exact token
 * is new (a `seen|…` key per token hash, shared by every instance on Redis), and new tokens are counted per
 * (client, subject) per hour. Past `tokenRefreshPerHour`: 429 `rate_limited`, category `token_refresh`. A token
 * seen before (evicted from a cache, another instance) is never counted twice within the hour. Fails open like
 * the other limits.
 *
 * @example
 * if (!validated.cacheHit) await applyTokenRefreshLimit(limiter, policy, validated.token, rawToken, sink, Date.now);
 */
export async function applyTokenRefreshLimit(
  limiter: RateLimiter | undefined,
  policy: EnforcerPolicy,
  token: ValidatedToken,
  raw: string,
  sink: TelemetrySink | undefined,
  now: () => number,
): Promise<void> {
  const limit = policy.rateLimits.tokenRefreshPerHour;
  if (!limiter || limit === 0) return;
  let r: Awaited<ReturnType<RateLimiter["hit"]>>;
  try {
    const seen = await limiter.hit(
      `seen|t=${createHash("sha256").update(raw).digest("base64url").slice(0, 22)}`,
      1,
      3600,
    );
    if (!seen.allowed) return; // this token was counted already
    r = await limiter.hit(userKey("refresh", token), limit, 3600);
  } catch {
    return;
  }
  if (r.allowed) return;
  const client = token.clientId ?? `sub:${token.subject}`;
  safeEmit(sink, {
    type: "rate_limit",
    at: now(),
    clientId: client,
    category: "token_refresh",
    resource: policy.resource.uri,
  });
  throw new EnforcerError(ReasonCode.RateLimited, "token refresh limit exceeded: too many new tokens this hour", {
    retryAfterSec: r.retryAfterSec,
  });
}
