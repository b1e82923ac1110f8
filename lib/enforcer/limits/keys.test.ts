/**
 * Rate-limit and lockout keys of the enforcer (issue 10 #13): one bucket per (client, subject) with an optional
 * client-wide cap, keys that no client id can forge into another namespace, IPv6 lockout per /64. Through the
 * real enforcer, with the memory limiter and with the Redis limiter on the real Redis at 127.0.0.1:6379.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "../enforcer.js";
import type { EnforcerPolicyInput } from "../policy.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey, createToken } from "../test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "../test-utils/policy.js";
import { lockoutAddress } from "./keys.js";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./rate-limit.js";
import type { RateLimiter } from "./types.js";

const key = createTestKey("RS256", "k1");
let jwks: JwksServer;
let redis: Redis;
const prefix = `test:rlkeys:${randomUUID()}:`;

beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
  redis = new Redis({ host: "127.0.0.1", port: 6379 });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await jwks.close();
});

const nowSec = () => Math.floor(Date.now() / 1000);
const jwt = (claims: Record<string, unknown>) =>
  createToken(key, { iss: TEST_ISSUER, aud: TEST_AUDIENCE, nowSec: nowSec(), scope: "mcp:tools", ...claims });
const call = (token: string, ip = "198.51.100.1") =>
  new Request(TEST_RESOURCE, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-ip": ip },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_file" } }),
  });
const ok = async () => new Response("ok");

const limiters: [string, () => RateLimiter][] = [
  ["memory", () => createMemoryRateLimiter()],
  ["redis", () => createRedisRateLimiter(redis, { prefix: `${prefix}${randomUUID()}:` })],
];

function enforcerWith(limiter: RateLimiter, rateLimits: EnforcerPolicyInput["rateLimits"]) {
  return createEnforcer({
    policy: testPolicy(jwks.url, { rateLimits }),
    rateLimiter: limiter,
    clientAddress: (req) => req.headers.get("x-ip") ?? undefined,
  });
}

async function statuses(enforcer: ReturnType<typeof createEnforcer>, token: string, n: number, ip?: string) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await enforcer.handle(call(token, ip), ok)).status);
  return out;
}

describe.each(limiters)("rate-limit keys with the %s limiter", (_, make) => {
  it("gives each user of a shared client its own budget", async () => {
    const enforcer = enforcerWith(make(), { toolInvocationsPerMin: 2 });
    expect(await statuses(enforcer, jwt({ sub: "alice", azp: "shared-agent" }), 3)).toEqual([200, 200, 429]);
    expect(await statuses(enforcer, jwt({ sub: "bob", azp: "shared-agent" }), 2)).toEqual([200, 200]);
  });

  it("caps a whole client when clientToolInvocationsPerMin is set", async () => {
    const enforcer = enforcerWith(make(), { toolInvocationsPerMin: 5, clientToolInvocationsPerMin: 3 });
    const codes = [
      ...(await statuses(enforcer, jwt({ sub: "u1", azp: "bot" }), 2)),
      ...(await statuses(enforcer, jwt({ sub: "u2", azp: "bot" }), 2)),
    ];
    expect(codes).toEqual([200, 200, 200, 429]);
    expect(await statuses(enforcer, jwt({ sub: "u3", azp: "other-bot" }), 1)).toEqual([200]);
  });

  it("lets no client id collide with another namespace (client `sub:alice` vs a client-less alice)", async () => {
    const enforcer = enforcerWith(make(), { toolInvocationsPerMin: 2 });
    expect(await statuses(enforcer, jwt({ sub: "mallory", azp: "sub:alice" }), 3)).toEqual([200, 200, 429]);
    expect(await statuses(enforcer, jwt({ sub: "alice", azp: undefined }), 2)).toEqual([200, 200]);
    const tricky = enforcerWith(make(), { toolInvocationsPerMin: 1 });
    expect(await statuses(tricky, jwt({ sub: "b", azp: "a|s=" }), 1)).toEqual([200]);
    expect(await statuses(tricky, jwt({ sub: "s=b", azp: "a|" }), 1)).toEqual([200]);
  });

  it("locks out an IPv6 /64 as one address, and an IPv4 address alone", async () => {
    const enforcer = enforcerWith(make(), { failedAuthMax: 2 });
    const bad = `${jwt({ sub: "x" })}x`;
    for (const ip of ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]) {
      await enforcer.handle(call(bad, ip), ok);
    }
    expect((await enforcer.handle(call(jwt({ sub: "x" }), "2001:db8:1:2:abcd::9"), ok)).status).toBe(429);
    expect((await enforcer.handle(call(jwt({ sub: "x" }), "2001:db8:1:3::1"), ok)).status).toBe(200);
    expect((await enforcer.handle(call(jwt({ sub: "x" }), "198.51.100.7"), ok)).status).toBe(200);
  });
});

describe("lockoutAddress", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["not-an-ip", "not-an-ip"],
  ])("%s → %s", (input, expected) => {
    expect(lockoutAddress(input)).toBe(expected);
  });
});
