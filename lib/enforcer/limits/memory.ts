/**
 * The sliding-window algorithm and its in-memory store. One algorithm, two stores:
 *
 * - a sliding-window counter (the previous fixed window's count weighted by how
 *   much of it still overlaps the sliding window, plus the current count): O(1)
 *   memory per key, no burst of 2× the limit at window edges as a plain fixed
 *   window allows;
 * - in memory (one process) or on Redis (shared by every enforcer instance).
 *
 * Refused hits are not counted, so a client that keeps hammering recovers as
 * soon as its earlier, allowed hits age out.
 */
import type { RateLimiter } from "./types.js";

/** The answer of one {@link RateLimiter} call. @example const { allowed, retryAfterSec }: RateLimitResult = await limiter.hit(key, 100, 60); */
export type RateLimitResult = Awaited<ReturnType<RateLimiter["hit"]>>;

/** Counter state of one key: the fixed window index and the counts of it and of the window before. */
interface WindowState {
  window: number;
  current: number;
  previous: number;
}

/**
 * Pure sliding-window decision, shared by the memory store and mirrored by the Redis Lua script.
 * Returns the decision and the state to store (unchanged counts when refused or peeked).
 *
 * @example
 * const { result, state } = slidingWindowDecision(previousState, Date.now(), 100, 60, true);
 */
export function slidingWindowDecision(
  state: WindowState | undefined,
  nowMs: number,
  limit: number,
  windowSec: number,
  increment: boolean,
): { result: RateLimitResult; state: WindowState } {
  const windowMs = windowSec * 1000;
  const window = Math.floor(nowMs / windowMs);
  let current = 0;
  let previous = 0;
  if (state?.window === window) {
    current = state.current;
    previous = state.previous;
  } else if (state?.window === window - 1) {
    previous = state.current;
  }
  const elapsedMs = nowMs - window * windowMs;
  const estimate = (previous * (windowMs - elapsedMs)) / windowMs + current;
  if (estimate + 1 > limit) {
    return {
      result: {
        allowed: false,
        retryAfterSec: retryAfterSec(previous, current, limit, windowMs, elapsedMs),
        remaining: 0,
      },
      state: { window, current, previous },
    };
  }
  const next = increment ? current + 1 : current;
  return {
    result: {
      allowed: true,
      retryAfterSec: 0,
      remaining: Math.max(0, Math.floor(limit - estimate - (increment ? 1 : 0))),
    },
    state: { window, current: next, previous },
  };
}

/** Seconds until `estimate + 1 <= limit` holds again, assuming no new allowed hits meanwhile. */
function retryAfterSec(previous: number, current: number, limit: number, windowMs: number, elapsedMs: number): number {
  const room = limit - 1;
  let waitMs: number;
  if (room < 0) {
    waitMs = windowMs; // limit 0: nothing is ever allowed; answer one window.
  } else if (current > room) {
    // Wait for the next window, then until the now-previous count has decayed enough.
    const fraction = current === 0 ? 0 : 1 - room / current;
    waitMs = windowMs - elapsedMs + fraction * windowMs;
  } else {
    const fraction = previous === 0 ? 0 : 1 - (room - current) / previous;
    waitMs = fraction * windowMs - elapsedMs;
  }
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** Options of {@link createMemoryRateLimiter}. @example const opts: MemoryRateLimiterOptions = { maxKeys: 50_000 }; */
export interface MemoryRateLimiterOptions {
  /** Most keys held; the least recently used key is evicted beyond it. Default 10,000. */
  maxKeys?: number;
  /** Clock in epoch milliseconds (tests freeze it). Default `Date.now`. */
  now?: () => number;
}

/**
 * An in-process sliding-window rate limiter with bounded memory (LRU eviction).
 * Right for one enforcer instance; use {@link createRedisRateLimiter} when several share limits.
 *
 * @example
 * const limiter = createMemoryRateLimiter({ maxKeys: 50_000 });
 * const enforcer = createEnforcer({ policy, rateLimiter: limiter });
 */
export function createMemoryRateLimiter(
  opts: MemoryRateLimiterOptions = {},
): Required<RateLimiter> & { readonly size: number } {
  const maxKeys = opts.maxKeys ?? 10_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new TypeError("maxKeys must be a positive integer");
  const now = opts.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const states = new Map<string, WindowState>();

  function decide(key: string, limit: number, windowSec: number, increment: boolean): RateLimitResult {
    assertLimitArgs(limit, windowSec);
    const { result, state } = slidingWindowDecision(states.get(key), now(), limit, windowSec, increment);
    states.delete(key);
    states.set(key, state);
    while (states.size > maxKeys) {
      const oldest = states.keys().next();
      if (oldest.done) break;
      states.delete(oldest.value);
    }
    return result;
  }

  return {
    hit: async (key, limit, windowSec) => decide(key, limit, windowSec, true),
    peek: async (key, limit, windowSec) => decide(key, limit, windowSec, false),
    get size() {
      return states.size;
    },
  };
}

/** Throws a `TypeError` on a nonsensical limit (a programming error, not a client's fault). @example assertLimitArgs(100, 60); */
export function assertLimitArgs(limit: number, windowSec: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError("limit must be a non-negative integer");
  if (!Number.isFinite(windowSec) || windowSec <= 0) throw new TypeError("windowSec must be positive");
}
