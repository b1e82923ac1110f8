/**
 * The Redis store of the sliding-window limiter: one hash per key, updated by
 * one Lua script (atomic: concurrent enforcer instances never lose a hit), timed
 * by the Redis server's clock so instances with skewed clocks still agree.
 *
 * Outage policy: neither fail-open (an outage would disable every limit) nor
 * fail-closed (an outage would refuse all traffic). On an error or a timeout the
 * limiter answers from a per-instance in-memory limiter with the same limits, and
 * skips Redis for a cool-down so requests do not each pay the timeout. During an
 * outage N instances therefore allow up to N× the limit; that is the price of
 * staying up.
 */
import { createHash } from "node:crypto";
import { assertLimitArgs, createMemoryRateLimiter, type RateLimitResult } from "./memory.js";
import type { RateLimiter } from "./types.js";

/**
 * The part of a Redis client the limiter uses. An `ioredis` client satisfies it; `lib/enforcer` never imports ioredis.
 *
 * @example
 * import Redis from "ioredis";
 * const redis: RedisLike = new Redis(process.env.REDIS_URL);
 */
export interface RedisLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha?(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link createRedisRateLimiter}. @example const opts: RedisRateLimiterOptions = { prefix: "rl:files:", timeoutMs: 50 }; */
export interface RedisRateLimiterOptions {
  /** Prefix of every key. Default `"portcullis:rl:"`. */
  prefix?: string;
  /** A Redis call slower than this counts as an outage, milliseconds. Default 100. */
  timeoutMs?: number;
  /** After an outage, answer from memory for this long before trying Redis again, milliseconds. Default 1000. */
  cooldownMs?: number;
  /** Capacity of the in-memory fallback. Default 10,000 keys. */
  fallbackMaxKeys?: number;
  /** Told about each Redis failure (log it; the limiter already fell back). */
  onError?: (error: unknown) => void;
  /** Clock in epoch milliseconds, for the cool-down and the fallback. Default `Date.now`. */
  now?: () => number;
}

// Mirrors slidingWindowDecision() in rate-limit-memory.ts. TIME: the server's clock, shared by all instances.
const SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local win = math.floor(nowMs / windowMs)
local s = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local w = tonumber(s[1])
local cur, prev = 0, 0
if w == win then cur = tonumber(s[2]) or 0; prev = tonumber(s[3]) or 0
elseif w == win - 1 then prev = tonumber(s[2]) or 0 end
local elapsed = nowMs - win * windowMs
local est = prev * (windowMs - elapsed) / windowMs + cur
if est + 1 > limit then
  local room = limit - 1
  local wait
  if room < 0 then wait = windowMs
  elseif cur > room then
    local f = 0
    if cur > 0 then f = 1 - room / cur end
    wait = windowMs - elapsed + f * windowMs
  else
    local f = 0
    if prev > 0 then f = 1 - (room - cur) / prev end
    wait = f * windowMs - elapsed
  end
  local ra = math.ceil(wait / 1000)
  if ra < 1 then ra = 1 end
  return {0, ra, 0}
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'w', win, 'c', cur + 1, 'p', prev)
  redis.call('PEXPIRE', KEYS[1], math.ceil(windowMs * 2))
  est = est + 1
end
local rem = math.floor(limit - est)
if rem < 0 then rem = 0 end
return {1, 0, rem}
`;
const SCRIPT_SHA = createHash("sha1").update(SCRIPT).digest("hex");

/**
 * A sliding-window rate limiter on Redis, shared by every enforcer instance that uses the same Redis and prefix.
 *
 * @example
 * import Redis from "ioredis";
 * const rateLimiter = createRedisRateLimiter(new Redis("redis://127.0.0.1:6379"), { onError: (e) => log.warn(e) });
 * const enforcer = createEnforcer({ policy, rateLimiter });
 */
export function createRedisRateLimiter(redis: RedisLike, opts: RedisRateLimiterOptions = {}): RateLimiter {
  const prefix = opts.prefix ?? "portcullis:rl:";
  const timeoutMs = opts.timeoutMs ?? 100;
  const cooldownMs = opts.cooldownMs ?? 1000;
  const now = opts.now ?? Date.now;
  const fallback = createMemoryRateLimiter({ maxKeys: opts.fallbackMaxKeys ?? 10_000, now });
  let redisSkippedUntil = 0;

  async function run(key: string, limit: number, windowSec: number, increment: boolean): Promise<RateLimitResult> {
    const args = [prefix + key, limit, Math.round(windowSec * 1000), increment ? "1" : "0"] as const;
    let reply: unknown;
    if (redis.evalsha) {
      try {
        reply = await redis.evalsha(SCRIPT_SHA, 1, ...args);
      } catch (err) {
        if (!String(err).includes("NOSCRIPT")) throw err;
        reply = await redis.eval(SCRIPT, 1, ...args);
      }
    } else {
      reply = await redis.eval(SCRIPT, 1, ...args);
    }
    return parseReply(reply);
  }

  async function decide(key: string, limit: number, windowSec: number, increment: boolean): Promise<RateLimitResult> {
    assertLimitArgs(limit, windowSec);
    if (now() >= redisSkippedUntil) {
      try {
        return await withTimeout(run(key, limit, windowSec, increment), timeoutMs);
      } catch (err) {
        redisSkippedUntil = now() + cooldownMs;
        opts.onError?.(err);
      }
    }
    return increment ? fallback.hit(key, limit, windowSec) : fallback.peek(key, limit, windowSec);
  }

  return {
    hit: (key, limit, windowSec) => decide(key, limit, windowSec, true),
    peek: (key, limit, windowSec) => decide(key, limit, windowSec, false),
  };
}

function parseReply(reply: unknown): RateLimitResult {
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((v) => typeof v === "number")) {
    throw new Error(`unexpected rate-limit script reply: ${JSON.stringify(reply)}`);
  }
  const [allowed, retryAfterSec, remaining] = reply as [number, number, number];
  return { allowed: allowed === 1, retryAfterSec, remaining };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
