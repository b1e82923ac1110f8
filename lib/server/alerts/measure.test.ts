import { describe, expect, it } from "vitest";
import { db } from "../db";
import { buildRollups, type RawRow } from "../telemetry/rows";
import { createTestResource } from "../telemetry/test-fixtures";
import { measureRule, TOKEN_SPIKE_FLOOR } from "./measure";
import { createRollupReader, rollupSums } from "./rollup-reads";

/**
 * What each non-auth kind measures, from rollup rows and instance rows written directly (the ingest
 * path that writes them is covered by the telemetry tests and alerts-flow.test.ts).
 */
const NOW = new Date();
const NOW_MIN = Math.floor(NOW.getTime() / 60_000);
const ctx = (overridden: string[] = []) => ({
  now: NOW,
  overridden: new Set(overridden),
  resourceName: (id: string) => id,
});
const base = { reason: "", windowMin: 5 };

async function rollup(resourceId: string, row: Record<string, unknown>) {
  await db().telemetryRollup.create({
    data: {
      grain: 1,
      bucket: NOW_MIN,
      resourceId,
      outcome: "",
      reason: "",
      dim: "all",
      dimValue: "",
      count: 1,
      ...row,
    } as never,
  });
}

describe("new_token rollups (the token-refresh series)", () => {
  it("a verified-token cache miss of an allowed request counts as a new token for its client; a hit does not", () => {
    const row = (cacheHit: boolean, outcome = "allow"): RawRow => ({
      at: NOW,
      resourceId: "r",
      instanceId: "i",
      type: "decision",
      outcome,
      reason: outcome === "deny" ? "token_expired" : "",
      clientId: "agent-1",
      subject: "alice",
      tool: "",
      method: "tools/list",
      latencyMs: 1,
      data: JSON.stringify({ cacheHit }),
    });
    const tokens = buildRollups([row(false), row(true), row(false, "deny")]).filter(
      (r) => r.type === "new_token" && r.grain === 1,
    );
    expect(tokens.map((r) => [r.dim, r.dimValue, r.count])).toEqual([
      ["all", "", 1],
      ["client", "agent-1", 1],
    ]);
  });
});

describe("measureRule", () => {
  it("OBO p99 from the latency histogram, per resource", async () => {
    const { resourceId } = await createTestResource();
    // 100 exchanges: 98 at ≤ 50 ms, 2 above 5 s → p99 in the overflow bucket.
    await rollup(resourceId, { type: "obo_exchange", outcome: "ok", reason: "exchange", count: 100, h4: 98, h11: 2 });
    const obs = await measureRule(db(), { ...base, kind: "obo_p99", threshold: 2000, resourceId }, ctx());
    expect(obs).toHaveLength(1);
    expect(obs[0]?.value).toBeGreaterThan(2000);
    const calm = await measureRule(db(), { ...base, kind: "obo_p99", threshold: 6000, resourceId }, ctx());
    expect(calm).toHaveLength(0);
  });

  it("rate-limit hits per client name the client; a fleet rule skips an overridden resource", async () => {
    const { resourceId } = await createTestResource();
    await rollup(resourceId, {
      type: "rate_limit",
      outcome: "hit",
      reason: "tool",
      dim: "client",
      dimValue: "runaway",
      count: 80,
    });
    await rollup(resourceId, {
      type: "rate_limit",
      outcome: "hit",
      reason: "tool",
      dim: "client",
      dimValue: "calm",
      count: 3,
    });
    const rule = { ...base, kind: "rate_limit_client" as const, threshold: 10, resourceId: "" };
    const obs = (await measureRule(db(), rule, ctx())).filter((o) => o.resourceId === resourceId);
    expect(obs.map((o) => [o.key, o.value])).toEqual([["runaway", 16]]);
    expect(obs[0]?.summary).toContain("client runaway");
    expect((await measureRule(db(), rule, ctx([resourceId]))).filter((o) => o.resourceId === resourceId)).toEqual([]);
  });

  it("token refresh spike: N × the client's 7-day hourly baseline, and at least the floor", async () => {
    const { resourceId } = await createTestResource();
    const hourStart = NOW_MIN - (NOW_MIN % 60);
    // Baseline: 168 tokens a week = 1/hour for "steady"; nothing for "fresh".
    await db().telemetryRollup.create({
      data: {
        grain: 60,
        bucket: hourStart - 1440,
        resourceId,
        type: "new_token",
        outcome: "new",
        reason: "",
        dim: "client",
        dimValue: "steady",
        count: 168,
      },
    });
    await rollup(resourceId, { type: "new_token", outcome: "new", dim: "client", dimValue: "steady", count: 30 });
    await rollup(resourceId, {
      type: "new_token",
      outcome: "new",
      dim: "client",
      dimValue: "fresh",
      count: TOKEN_SPIKE_FLOOR - 1,
    });
    const rule = { reason: "", kind: "token_refresh_spike" as const, threshold: 5, windowMin: 60, resourceId };
    const obs = await measureRule(db(), rule, ctx());
    expect(obs.map((o) => [o.key, o.value, o.threshold])).toEqual([["steady", 30, 5]]);
  });

  it("an enforcer silent longer than the threshold, and one serving an old config version", async () => {
    const { resourceId } = await createTestResource();
    await db().enforcerInstance.create({
      data: {
        id: `${resourceId}/quiet`,
        resourceId,
        host: "h1",
        moduleVersion: "1",
        lastSeenAt: new Date(NOW.getTime() - 5 * 60_000),
      },
    });
    await db().enforcerInstance.create({
      data: { id: `${resourceId}/old`, resourceId, host: "h2", moduleVersion: "1", appliedVersion: 1, lastSeenAt: NOW },
    });
    await db().configVersion.create({
      data: { resourceId, version: 3, bundle: "{}", jws: "x", etag: "e", kid: "k", publishedByEmail: "a@b.c" },
    });
    const silent = await measureRule(
      db(),
      { reason: "", kind: "enforcer_silent", threshold: 2, windowMin: 1, resourceId },
      ctx(),
    );
    expect(silent.map((o) => [o.key, o.value])).toEqual([["quiet", 5]]);
    const stale = await measureRule(
      db(),
      { reason: "", kind: "enforcer_stale_config", threshold: 1, windowMin: 1, resourceId },
      ctx(),
    );
    expect(stale.map((o) => [o.key, o.value])).toEqual([["old", 2]]);
  });

  it("one cycle's shared reader: a fleet rule and per-resource rules get exactly their own reads' answers, from one read", async () => {
    const a = (await createTestResource()).resourceId;
    const b = (await createTestResource()).resourceId;
    await rollup(a, { type: "decision", outcome: "deny", reason: "token_expired", count: 400 });
    await rollup(b, { type: "decision", outcome: "deny", reason: "token_expired", count: 30 });
    let reads = 0;
    const counting = createRollupReader(db());
    const sums: typeof counting = (o, by, hist) => counting(o, by, hist);
    const spy = createRollupReader({
      $queryRawUnsafe: (...args: unknown[]) => {
        reads++;
        return (db().$queryRawUnsafe as (...x: unknown[]) => unknown)(...args);
      },
    } as never);
    const rules = [
      { ...base, kind: "auth_failures" as const, threshold: 1, resourceId: "" },
      { ...base, kind: "auth_failures" as const, threshold: 1, resourceId: a },
      { ...base, kind: "auth_failures" as const, threshold: 1, resourceId: b },
    ];
    for (const rule of rules) {
      const alone = await measureRule(db(), rule, ctx());
      expect(await measureRule(db(), rule, { ...ctx(), sums })).toEqual(alone);
      expect(await measureRule(db(), rule, { ...ctx(), sums: spy })).toEqual(alone);
    }
    expect(reads).toBe(1);
    const own = await rollupSums(
      db(),
      {
        grain: 1,
        type: "decision",
        dim: "all",
        fromBucket: NOW_MIN - 5,
        toBucket: NOW_MIN,
        outcome: "deny",
        resourceId: b,
      },
      ["resourceId"],
    );
    expect(own.map((r) => Number(r.n))).toEqual([30]);
  });
});
