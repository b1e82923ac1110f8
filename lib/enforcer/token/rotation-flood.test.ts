/**
 * Issue 23 #8: an IdP rotates its signing key (publishes a new key and signs with it at once) while tokens with
 * random `kid`s arrive continuously and hold the forced-refresh throttle. Legitimate calls must not fail, the
 * JWKS endpoint must not be fetched more often than the throttle allows, and unknown kids must still be refused.
 * Real JWKS endpoint on 127.0.0.1, default JWKS settings (one forced refresh per 10 s), a real concurrent flood
 * through the enforcer's core.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "../enforcer.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey, createToken } from "../test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "../test-utils/policy.js";

const oldKey = createTestKey("RS256", "old");
const newKey = createTestKey("RS256", "new");
const attacker = createTestKey("RS256", "attacker");
let jwks: JwksServer;

beforeAll(async () => {
  jwks = await startJwksServer([oldKey.jwk]);
});
afterAll(() => jwks.close());

const nowSec = () => Math.floor(Date.now() / 1000);
const call = (token: string) =>
  new Request(TEST_RESOURCE, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_file" } }),
  });
const ok = async () => new Response("ok");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe("key rotation during a random-kid flood (issue 23 #8)", () => {
  it("fails no legitimate call, fetches the JWKS at most once per throttle interval, refuses every random kid", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url) });
    // Warm: the old key is cached.
    const legitOld = createToken(oldKey, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      nowSec: nowSec(),
      scope: "mcp:tools",
    });
    expect((await enforcer.handle(call(legitOld), ok)).status).toBe(200);
    const fetchesBefore = jwks.requests;

    let flooding = true;
    const floodLatencies: number[] = [];
    const floodStatuses = new Map<number, number>();
    // Random-kid tokens: one signed template, its header swapped per token (the kid lookup comes before the
    // signature check, so the attacker need not sign each one).
    const template = createToken(attacker, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      nowSec: nowSec(),
      scope: "mcp:tools",
    });
    const rest = template.slice(template.indexOf("."));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const floodTokens = Array.from(
      { length: 20_000 },
      () => `${b64({ alg: "RS256", typ: "JWT", kid: randomUUID() })}${rest}`,
    );
    let next = 0;
    const inFlight = new Set<Promise<void>>();
    // Open loop, as a botnet sends: 10 requests every 20 ms (about 500/s), never waiting for answers.
    const flooder = (async () => {
      while (flooding) {
        for (let i = 0; i < 10; i++) {
          const token = floodTokens[next++ % floodTokens.length] ?? "";
          const started = performance.now();
          const p = enforcer.handle(call(token), ok).then((res) => {
            floodLatencies.push(performance.now() - started);
            floodStatuses.set(res.status, (floodStatuses.get(res.status) ?? 0) + 1);
            inFlight.delete(p);
          });
          inFlight.add(p);
        }
        await sleep(20);
      }
    })();
    await sleep(1500); // the flood holds the throttle

    // Rotation: the IdP publishes the new key and signs with it at once.
    jwks.keys = [oldKey.jwk, newKey.jwk];
    const rotatedAt = performance.now();
    const legit = { ok: 0, failed: 0, latencies: [] as number[] };
    const clients = Array.from({ length: 10 }, async () => {
      while (performance.now() - rotatedAt < 12_000) {
        const token = createToken(newKey, {
          iss: TEST_ISSUER,
          aud: TEST_AUDIENCE,
          nowSec: nowSec(),
          scope: "mcp:tools",
          sub: randomUUID(),
        });
        const started = performance.now();
        const res = await enforcer.handle(call(token), ok);
        legit.latencies.push(performance.now() - started);
        if (res.status === 200) legit.ok++;
        else legit.failed++;
        await sleep(20);
      }
    });
    await Promise.all(clients);
    flooding = false;
    await flooder;
    await Promise.all(inFlight);
    const elapsedSec = (performance.now() - rotatedAt + 1500) / 1000;
    const fetches = jwks.requests - fetchesBefore;

    console.log(
      `[rotation-flood] legit ok=${legit.ok} failed=${legit.failed} p50=${percentile(legit.latencies, 50).toFixed(0)}ms ` +
        `max=${Math.max(...legit.latencies).toFixed(0)}ms; flood requests=${floodLatencies.length} ` +
        `statuses=${JSON.stringify(Object.fromEntries(floodStatuses))} p50=${percentile(floodLatencies, 50).toFixed(1)}ms ` +
        `p99=${percentile(floodLatencies, 99).toFixed(0)}ms; JWKS fetches=${fetches} in ${elapsedSec.toFixed(1)} s`,
    );
    expect(legit.failed).toBe(0);
    expect(legit.ok).toBeGreaterThan(20); // legitimate traffic kept flowing (its rate depends on the machine's load)
    // Today's bound: one forced refresh per 10 s (plus the one that may start the window).
    expect(fetches).toBeLessThanOrEqual(Math.ceil(elapsedSec / 10) + 1);
    expect([...floodStatuses.keys()]).toEqual([401]);
    // A waiting random kid is refused by the next permitted refresh, or after unknownKidMaxWaitMs (15 s) at the
    // latest (the p99, not the max: on a loaded CI machine the event loop itself adds seconds to the tail).
    expect(percentile(floodLatencies, 99)).toBeLessThan(16_000);
  }, 30_000);
});
