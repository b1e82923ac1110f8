/**
 * Per-client rate limiting (DOMAIN.md: tool invocations 100/min, resource reads
 * 500/min, failed auth 5 per 5 min): the in-memory limiter for one instance and
 * the Redis limiter shared by all instances, behind the core's `RateLimiter` seam.
 */
export {
  createMemoryRateLimiter,
  type MemoryRateLimiterOptions,
  type RateLimitResult,
  slidingWindowDecision,
} from "./memory.js";
export { createRedisRateLimiter, type RedisLike, type RedisRateLimiterOptions } from "./redis.js";
