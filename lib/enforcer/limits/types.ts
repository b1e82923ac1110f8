/** The rate-limiter seam (memory and Redis implement it). */

/**
 * A fixed-window (or better) counter. Implemented in memory and on Redis by `rate-limit.ts`.
 *
 * @example
 * const r = await limiter.hit(`tool:${clientId}`, 100, 60); if (!r.allowed) deny(r.retryAfterSec);
 */
export interface RateLimiter {
  hit(
    key: string,
    limit: number,
    windowSec: number,
  ): Promise<{ allowed: boolean; retryAfterSec: number; remaining: number }>;
  /** Read-only check (no increment); used for failed-auth lockout before validating. Optional. */
  peek?(
    key: string,
    limit: number,
    windowSec: number,
  ): Promise<{ allowed: boolean; retryAfterSec: number; remaining: number }>;
}
