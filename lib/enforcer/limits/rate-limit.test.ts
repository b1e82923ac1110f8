import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./rate-limit.js";

const WINDOW_START = 1_000 * 60_000; // an exact 60 s window boundary

describe("createMemoryRateLimiter", () => {
  it("allows `limit` hits, counts remaining down, then refuses", async () => {
    const limiter = createMemoryRateLimiter({ now: () => WINDOW_START });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit("tool:c1", 3, 60));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results[3]?.retryAfterSec).toBeGreaterThan(0);
    // Another key has its own budget.
    expect((await limiter.hit("tool:c2", 3, 60)).allowed).toBe(true);
  });

  it("weighs the previous window (sliding), and its retryAfter is exact", async () => {
    let t = WINDOW_START;
    const limiter = createMemoryRateLimiter({ now: () => t });
    for (let i = 0; i < 10; i++) expect((await limiter.hit("k", 10, 60)).allowed).toBe(true);
    const refused = await limiter.hit("k", 10, 60);
    // Next window starts in 60 s; then 10 × (1 − x) must drop to 9: x = 0.1 → 6 s more.
    expect(refused).toEqual({ allowed: false, retryAfterSec: 66, remaining: 0 });
    t = WINDOW_START + 60_000; // a plain fixed window would reset here and allow a 2× burst
    expect((await limiter.hit("k", 10, 60)).allowed).toBe(false);
    t = WINDOW_START + 65_900;
    expect((await limiter.hit("k", 10, 60)).allowed).toBe(false);
    t = WINDOW_START + 66_000;
    expect((await limiter.hit("k", 10, 60)).allowed).toBe(true);
    t = WINDOW_START + 180_000; // two windows later: everything aged out
    expect(await limiter.hit("k", 10, 60)).toEqual({ allowed: true, retryAfterSec: 0, remaining: 9 });
  });

  it("does not count refused hits, and peek never increments", async () => {
    let t = WINDOW_START;
    const limiter = createMemoryRateLimiter({ now: () => t });
    await limiter.hit("k", 1, 60);
    for (let i = 0; i < 50; i++) await limiter.hit("k", 1, 60);
    t = WINDOW_START + 120_000;
    expect((await limiter.hit("k", 1, 60)).allowed).toBe(true);
    const fresh = createMemoryRateLimiter({ now: () => WINDOW_START });
    for (let i = 0; i < 5; i++) expect((await fresh.peek("p", 1, 60)).allowed).toBe(true);
    expect(await fresh.peek("p", 2, 60)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("bounds memory by evicting the least recently used key", async () => {
    const limiter = createMemoryRateLimiter({ maxKeys: 3, now: () => WINDOW_START });
    await limiter.hit("a", 1, 60);
    await limiter.hit("b", 1, 60);
    await limiter.hit("c", 1, 60);
    await limiter.hit("a", 1, 60); // refused, but touches "a"
    await limiter.hit("d", 1, 60); // evicts "b", the least recently used
    expect(limiter.size).toBe(3);
    expect((await limiter.hit("a", 1, 60)).allowed).toBe(false);
    expect((await limiter.hit("b", 1, 60)).allowed).toBe(true); // forgotten, so fresh
  });

  it("refuses everything at limit 0 and rejects nonsense arguments", async () => {
    const limiter = createMemoryRateLimiter();
    expect(await limiter.hit("k", 0, 60)).toMatchObject({ allowed: false, retryAfterSec: 60 });
    await expect(limiter.hit("k", -1, 60)).rejects.toThrow(TypeError);
    await expect(limiter.hit("k", 1, 0)).rejects.toThrow(TypeError);
    expect(() => createMemoryRateLimiter({ maxKeys: 0 })).toThrow(TypeError);
  });
});

describe("createRedisRateLimiter (real Redis at 127.0.0.1:6379)", () => {
  let redis: Redis;
  let redis2: Redis;
  const prefix = `test:rl:${randomUUID()}:`;

  beforeAll(async () => {
    redis = new Redis({ host: "127.0.0.1", port: 6379 });
    redis2 = new Redis({ host: "127.0.0.1", port: 6379 });
    // Connected first: a slow first call on a loaded machine would (by design) fall back to memory.
    await Promise.all([redis.ping(), redis2.ping()]);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    redis2.disconnect();
  });

  it("shares one count between two limiter instances", async () => {
    const a = createRedisRateLimiter(redis, { prefix, timeoutMs: 5000 });
    const b = createRedisRateLimiter(redis2, { prefix, timeoutMs: 5000 });
    expect(await a.hit("shared", 5, 60)).toMatchObject({ allowed: true, remaining: 4 });
    await a.hit("shared", 5, 60);
    await a.hit("shared", 5, 60);
    await b.hit("shared", 5, 60);
    expect(await b.hit("shared", 5, 60)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await a.hit("shared", 5, 60);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSec).toBeGreaterThan(0);
    expect(refused.retryAfterSec).toBeLessThanOrEqual(120);
    // The key expires by itself (two windows), so idle clients cost nothing.
    const ttl = await redis.pttl(`${prefix}shared`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it("is atomic under concurrent hits from several instances", async () => {
    const limiters = [redis, redis2].map((r) => createRedisRateLimiter(r, { prefix, timeoutMs: 2000 }));
    const hits = Array.from({ length: 60 }, (_, i) => limiters[i % 2]?.hit("burst", 20, 60));
    const results = await Promise.all(hits);
    expect(results.filter((r) => r?.allowed).length).toBe(20);
  });

  it("works with a client offering only eval, and peek does not increment", async () => {
    const evalOnly = {
      eval: (script: string, n: number, ...args: (string | number)[]) => redis.eval(script, n, ...args),
    };
    const limiter = createRedisRateLimiter(evalOnly, { prefix });
    expect(await limiter.peek?.("peeked", 1, 60)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.hit("peeked", 1, 60)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.hit("peeked", 1, 60)).allowed).toBe(false);
  });

  it("starts afresh once two windows have passed (server clock)", async () => {
    const limiter = createRedisRateLimiter(redis, { prefix });
    expect((await limiter.hit("short", 1, 1)).allowed).toBe(true);
    expect((await limiter.hit("short", 1, 1)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await limiter.hit("short", 1, 1)).allowed).toBe(true);
  });
});

describe("createRedisRateLimiter outages", () => {
  let silent: Server;
  let silentPort = 0;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a hung Redis.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    silentPort = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("falls back to in-memory limits when Redis is unreachable, and tries again after the cool-down", async () => {
    const closed = new Redis({
      host: "127.0.0.1",
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    closed.on("error", () => {});
    let t = WINDOW_START;
    const errors: unknown[] = [];
    const limiter = createRedisRateLimiter(closed, {
      prefix: "unused:",
      now: () => t,
      cooldownMs: 1000,
      onError: (e) => errors.push(e),
    });
    expect((await limiter.hit("c", 2, 60)).allowed).toBe(true);
    expect((await limiter.hit("c", 2, 60)).allowed).toBe(true);
    expect((await limiter.hit("c", 2, 60)).allowed).toBe(false); // limits still hold: not fail-open
    expect(errors.length).toBe(1); // cool-down: Redis not retried on every request
    t += 1_001;
    await limiter.hit("other", 2, 60);
    expect(errors.length).toBe(2);
    closed.disconnect();
  });

  it("treats a Redis that does not answer within timeoutMs as down", async () => {
    const hung = new Redis({ host: "127.0.0.1", port: silentPort, maxRetriesPerRequest: 0 });
    hung.on("error", () => {});
    const errors: unknown[] = [];
    const limiter = createRedisRateLimiter(hung, { timeoutMs: 50, onError: (e) => errors.push(e) });
    const started = performance.now();
    expect((await limiter.hit("c", 1, 60)).allowed).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await limiter.hit("c", 1, 60)).allowed).toBe(false);
    expect(String(errors[0])).toContain("did not answer");
    hung.disconnect();
  });
});
