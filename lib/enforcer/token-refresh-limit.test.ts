/**
 * Issue 13 #3: the token-refresh limit (DOMAIN.md: 10/hour per client) is enforced. New tokens are counted per
 * (client, subject) per hour; the 11th is refused with 429 `rate_limited`, category `token_refresh`. A token already
 * seen is never counted again, and on Redis the count is shared by every instance.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "./enforcer.js";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./limits/rate-limit.js";
import type { RateLimiter } from "./limits/types.js";
import type { EnforcerPolicy } from "./policy.js";
import { createRecordingSink } from "./telemetry/sink.js";
import { type JwksServer, startJwksServer } from "./test-utils/jwks-server.js";
import { createTestKey, createToken } from "./test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "./test-utils/policy.js";

const NOW_SEC = 1_700_000_000;
const now = () => NOW_SEC * 1000;
const key = createTestKey("RS256", "refresh-k1");
let jwks: JwksServer;
let policy: EnforcerPolicy;
beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
  policy = testPolicy(jwks.url);
});
afterAll(() => jwks.close());

const token = (sub = "alice", azp = "agent-1") =>
  createToken(key, { iss: TEST_ISSUER, aud: TEST_AUDIENCE, nowSec: NOW_SEC, scope: "mcp:tools", azp, sub });
const call = (jwt: string) =>
  new Request(TEST_RESOURCE, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
const ok = async () => Response.json({ jsonrpc: "2.0", id: 1, result: { tools: [] } });

function enforcerWith(rateLimiter: RateLimiter, p: EnforcerPolicy = policy) {
  const sink = createRecordingSink();
  return { enforcer: createEnforcer({ policy: p, rateLimiter, sink, now }), sink };
}

describe("token-refresh limit (memory)", () => {
  it("refuses the 11th new token of one user of a client within the hour, and says why", async () => {
    const { enforcer, sink } = enforcerWith(createMemoryRateLimiter({ now }));
    const tokens = Array.from({ length: 11 }, () => token());
    for (const t of tokens.slice(0, 10)) expect((await enforcer.handle(call(t), ok)).status).toBe(200);
    const refused = await enforcer.handle(call(tokens[10] as string), ok);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sink.events).toContainEqual(
      expect.objectContaining({ type: "rate_limit", category: "token_refresh", clientId: "agent-1" }),
    );
    expect(sink.events).toContainEqual(
      expect.objectContaining({ type: "decision", outcome: "deny", reason: "rate_limited" }),
    );
    // Tokens already seen keep working (a refresh limit, not a request limit), and other users are not affected.
    expect((await enforcer.handle(call(tokens[3] as string), ok)).status).toBe(200);
    expect((await enforcer.handle(call(token("bob")), ok)).status).toBe(200);
  });

  it("a limit of 0 disables it", async () => {
    const p = testPolicy(jwks.url, { rateLimits: { ...policy.rateLimits, tokenRefreshPerHour: 0 } });
    const { enforcer } = enforcerWith(createMemoryRateLimiter({ now }), p);
    for (let i = 0; i < 15; i++) expect((await enforcer.handle(call(token()), ok)).status).toBe(200);
  });
});

describe("token-refresh limit (real Redis at 127.0.0.1:6379, two instances)", () => {
  const prefix = `test:refresh:${randomUUID()}:`;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = new Redis({ host: "127.0.0.1", port: 6379 });
    b = new Redis({ host: "127.0.0.1", port: 6379 });
    // Connected before the first limit is asked (a slow first call would fall back to memory, by design).
    await Promise.all([a.ping(), b.ping()]);
  });
  afterAll(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  // A generous Redis timeout: on a loaded CI machine a 100 ms blip would (correctly) fall back to per-instance memory.
  it("counts distinct tokens across instances, each token once", async () => {
    const one = enforcerWith(createRedisRateLimiter(a, { prefix, timeoutMs: 5000 })).enforcer;
    const two = enforcerWith(createRedisRateLimiter(b, { prefix, timeoutMs: 5000 })).enforcer;
    const tokens = Array.from({ length: 11 }, () => token("carol", "agent-9"));
    for (const t of tokens.slice(0, 6)) expect((await one.handle(call(t), ok)).status).toBe(200);
    // The same six tokens on the other instance: seen already, not counted again.
    for (const t of tokens.slice(0, 6)) expect((await two.handle(call(t), ok)).status).toBe(200);
    for (const t of tokens.slice(6, 10)) expect((await two.handle(call(t), ok)).status).toBe(200);
    expect((await one.handle(call(tokens[10] as string), ok)).status).toBe(429);
  });
});
