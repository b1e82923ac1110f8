// Limits shared by every instance: one Redis, one key prefix. On a Redis outage each instance
// falls back to its own in-memory window (neither fail-open nor fail-closed).
import { Redis } from "ioredis";
import { createEnforcer, createRedisRateLimiter } from "portcullis/enforcer";
import { policy } from "./policy.js";

const redis = new Redis("redis://127.0.0.1:6379");
const rateLimiter = createRedisRateLimiter(redis, {
  prefix: "portcullis:rl:files:",
  onError: (err) => console.warn("rate limiter fell back to memory", err),
});

export const enforcer = createEnforcer({ policy, rateLimiter });
