import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { createRecordingSink } from "../telemetry/sink.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey } from "../test-utils/keys.js";
import { createJwksCache, type JwksCacheOptions } from "./jwks-cache.js";

const k1 = createTestKey("RS256", "k1");
const k2 = createTestKey("RS256", "k2");

let server: JwksServer;
let t: number;
const sink = createRecordingSink();

function cache(overrides: Partial<JwksCacheOptions> = {}) {
  return createJwksCache({
    jwksUri: server.url,
    issuer: "https://idp.test/",
    ttlSec: 300,
    graceSec: 600,
    forcedRefreshMinIntervalSec: 10,
    // Generous: a loopback fetch on a loaded CI machine can take longer than 0.5 s (the timeout tests set their own).
    fetchTimeoutMs: 5000,
    maxJwksBytes: 512 * 1024,
    now: () => t,
    sink,
    ...overrides,
  });
}

async function code(p: unknown): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof EnforcerError) return err.code;
    throw err;
  }
}

/** Lets a background refresh finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
}

beforeEach(async () => {
  server = await startJwksServer([k1.jwk]);
  t = 1_700_000_000_000;
  sink.clear();
});
afterEach(() => server.close());

describe("createJwksCache", () => {
  it("fetches once, then serves from memory synchronously within the TTL", async () => {
    const c = cache();
    expect(await c.getKey("k1", "RS256")).toBe(c.keys()[0]?.key);
    t += 299_000;
    const again = c.getKey("k1", "RS256");
    expect(again).not.toBeInstanceOf(Promise);
    expect(server.requests).toBe(1);
    expect(sink.ofType("jwks_refresh")).toMatchObject([
      { trigger: "initial", outcome: "ok", keyCount: 1, issuer: "https://idp.test/" },
    ]);
  });

  it("shares one fetch between concurrent first requests (single-flight)", async () => {
    const c = cache();
    await Promise.all(Array.from({ length: 50 }, () => c.getKey("k1", "RS256")));
    expect(server.requests).toBe(1);
  });

  it("after the TTL serves stale keys at once and refreshes in the background", async () => {
    const c = cache();
    await c.getKey("k1", "RS256");
    server.keys = [k1.jwk, k2.jwk];
    t += 301_000;
    expect(c.getKey("k1", "RS256")).not.toBeInstanceOf(Promise);
    await settle();
    expect(server.requests).toBe(2);
    expect(c.keys().map((k) => k.kid)).toEqual(["k1", "k2"]);
    expect(sink.ofType("jwks_refresh").map((e) => e.trigger)).toEqual(["initial", "scheduled"]);
  });

  it("forces one refresh on an unknown kid and finds a rotated key", async () => {
    const c = cache();
    await c.getKey("k1", "RS256");
    server.keys = [k2.jwk];
    const results = await Promise.all(Array.from({ length: 20 }, () => c.getKey("k2", "RS256")));
    expect(results.every((k) => k === results[0])).toBe(true);
    expect(server.requests).toBe(2);
    expect(sink.ofType("jwks_refresh").at(-1)).toMatchObject({ trigger: "forced", outcome: "ok" });
  });

  it("throttles forced refreshes to one per interval, so random kids cannot flood the IdP", async () => {
    const c = cache({ unknownKidMaxWaitMs: 0 }); // refuse at once while throttled (the behaviour before issue 23)
    await c.getKey("k1", "RS256");
    expect(await code(c.getKey("random-1", "RS256"))).toBe(ReasonCode.UnknownKid);
    for (let i = 0; i < 100; i++) expect(await code(c.getKey(`random-${i}`, "RS256"))).toBe(ReasonCode.UnknownKid);
    expect(server.requests).toBe(2);
    t += 10_000;
    expect(await code(c.getKey("random-x", "RS256"))).toBe(ReasonCode.UnknownKid);
    expect(server.requests).toBe(3);
  });

  // Issue 23 #8. The clock is frozen, so the next permitted refresh comes after the interval in real time (1 s).
  describe("while random kids hold the throttle", () => {
    it("a key published meanwhile is found at the next permitted refresh, not refused", async () => {
      // Own sinks: a next-refresh timer left pending must not write into the shared sink of later tests.
      const c = cache({ forcedRefreshMinIntervalSec: 1, sink: createRecordingSink() });
      await c.getKey("k1", "RS256");
      expect(await code(c.getKey("random-1", "RS256"))).toBe(ReasonCode.UnknownKid); // spends the forced refresh
      server.keys = [k1.jwk, k2.jwk];
      const started = performance.now();
      const found = await Promise.all(Array.from({ length: 20 }, () => c.getKey("k2", "RS256")));
      expect(found.every((k) => k === c.keys()[1]?.key)).toBe(true);
      expect(performance.now() - started).toBeGreaterThan(800); // it waited for the slot…
      expect(server.requests).toBe(3); // …and the slot was one fetch for all
    });

    it("bounds the waiting room, refuses repeats of an absent kid at once, and refuses at once while the IdP fails", async () => {
      const c = cache({ forcedRefreshMinIntervalSec: 1, unknownKidMaxWaiters: 30, sink: createRecordingSink() });
      await c.getKey("k1", "RS256");
      expect(await code(c.getKey("random-0", "RS256"))).toBe(ReasonCode.UnknownKid);
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          code(c.getKey(`random-${i + 1}`, "RS256")).then((r) => ({ r, ms: performance.now() - started })),
        ),
      );
      expect(outcomes.every((o) => o.r === ReasonCode.UnknownKid)).toBe(true);
      expect(outcomes.filter((o) => o.ms < 300)).toHaveLength(70); // beyond the 30 waiters: at once
      expect(outcomes.filter((o) => o.ms >= 800)).toHaveLength(30);
      expect(server.requests).toBe(3);
      const again = performance.now();
      expect(await code(c.getKey("random-5", "RS256"))).toBe(ReasonCode.UnknownKid);
      expect(performance.now() - again).toBeLessThan(100);

      const down = cache({ forcedRefreshMinIntervalSec: 1, sink: createRecordingSink() });
      await down.getKey("k1", "RS256");
      server.mode = "down";
      expect(await code(down.getKey("random-a", "RS256"))).toBe(ReasonCode.UnknownKid); // the forced refresh fails
      const fast = performance.now();
      expect(await code(down.getKey("random-b", "RS256"))).toBe(ReasonCode.UnknownKid);
      expect(performance.now() - fast).toBeLessThan(100);
      expect(down.getKey("k1", "RS256")).not.toBeInstanceOf(Promise); // cached keys keep serving
    });
  });

  it("keeps serving cached keys while the IdP is down, until the grace period ends", async () => {
    const c = cache();
    await c.getKey("k1", "RS256");
    server.mode = "down";
    t += 300_000 + 599_000;
    expect(c.getKey("k1", "RS256")).not.toBeInstanceOf(Promise);
    await settle();
    expect(sink.ofType("jwks_refresh").at(-1)).toMatchObject({ trigger: "scheduled", outcome: "error" });
    t += 2_000;
    expect(await code(c.getKey("k1", "RS256"))).toBe(ReasonCode.JwksUnavailable);
    // Backing off: the next request within the retry interval does not hit the IdP again.
    const before = server.requests;
    expect(await code(c.getKey("k1", "RS256"))).toBe(ReasonCode.JwksUnavailable);
    expect(server.requests).toBe(before);
    server.mode = "ok";
    t += 10_000;
    expect(await c.getKey("k1", "RS256")).toBeDefined();
  });

  it("fails closed with jwks_unavailable when the first fetch fails, with Retry-After", async () => {
    server.mode = "down";
    const c = cache();
    const err = await Promise.resolve(c.getKey("k1", "RS256")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnforcerError);
    expect((err as EnforcerError).code).toBe(ReasonCode.JwksUnavailable);
    expect((err as EnforcerError).retryAfterSec).toBe(10);
  });

  it.each([
    ["times out on a hanging IdP", "hang" as const],
    ["refuses a JWKS over the size limit", "huge" as const],
    ["refuses a JWKS that is not JSON", "garbage" as const],
  ])("%s", async (_, mode) => {
    server.mode = mode;
    const c = cache({ fetchTimeoutMs: 200 });
    expect(await code(c.getKey("k1", "RS256"))).toBe(ReasonCode.JwksUnavailable);
    expect(sink.ofType("jwks_refresh")[0]?.outcome).toBe("error");
  });

  it("reports status and calls onKeyRemoved only when a key leaves the set", async () => {
    let removed = 0;
    const c = cache({ onKeyRemoved: () => removed++ });
    expect(c.status()).toBe("expired");
    await c.getKey("k1", "RS256");
    expect(c.status()).toBe("fresh");
    server.keys = [k1.jwk, k2.jwk];
    await c.refresh("scheduled");
    expect(removed).toBe(0);
    server.keys = [k2.jwk];
    await c.refresh("scheduled");
    expect(removed).toBe(1);
    t += 301_000;
    expect(c.status()).toBe("stale");
    t += 600_000;
    expect(c.status()).toBe("expired");
  });

  it("does not let an empty key set wipe working keys", async () => {
    const c = cache();
    await c.getKey("k1", "RS256");
    server.keys = [];
    await expect(c.refresh("scheduled")).rejects.toThrow(/no usable/);
    expect(c.getKey("k1", "RS256")).not.toBeInstanceOf(Promise);
  });
});
