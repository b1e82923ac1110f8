import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { ingestBatch } from "./ingest";
import { createTestResource } from "./test-fixtures";
import type { WireEvent } from "./wire";

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const REASONS = ["token_expired", "audience_mismatch", "tool_not_allowed"] as const;

/** A deterministic mix of every event type across several minutes and both hours. */
function mixedEvents(n: number, seed: number, start = T0): WireEvent[] {
  const out: WireEvent[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + seed * 104_729) % 1000;
    const at = start + ((k * 97) % (90 * 60_000)); // spread over 90 minutes
    const clientId = `client-${k % 5}`;
    if (k % 10 < 6) {
      const deny = k % 4 === 0;
      out.push({
        type: "decision",
        at,
        outcome: deny ? "deny" : "allow",
        reason: deny ? REASONS[k % 3] : undefined,
        clientId: k % 13 === 0 ? undefined : clientId,
        subject: `user-${k % 7}`,
        method: k % 3 === 0 ? "tools/call" : "tools/list",
        tool: k % 3 === 0 ? `tool-${k % 4}` : undefined,
        // Some decisions untimed, as an enforcer under load sends most of them (sampled timing).
        ...(k % 11 === 0 ? {} : { latencyMs: (k % 50) / 3 }),
      });
    } else if (k % 10 === 6) {
      out.push({
        type: "jwks_refresh",
        at,
        trigger: k % 2 ? "forced" : "scheduled",
        outcome: "ok",
        issuer: "i",
        latencyMs: k % 30,
      });
    } else if (k % 10 < 9) {
      out.push({
        type: "obo_exchange",
        at,
        downstream: `api-${k % 2}`,
        outcome: k % 9 ? "ok" : "error",
        cacheHit: k % 3 === 0,
        latencyMs: k * 7,
      });
    } else {
      out.push({ type: "rate_limit", at, clientId, category: "tool" });
    }
  }
  return out;
}

const count = (resourceId: string) => db().telemetryEvent.count({ where: { resourceId } });

describe("telemetry ingest", () => {
  it("stores a replayed batch once, per resource", async () => {
    const a = await createTestResource();
    const b = await createTestResource();
    const key = randomUUID();
    const events = mixedEvents(50, 1);
    const first = await ingestBatch({ resourceId: a.resourceId, idempotencyKey: key, instanceId: "i", events });
    const again = await ingestBatch({ resourceId: a.resourceId, idempotencyKey: key, instanceId: "i", events });
    expect(first).toEqual({ stored: 50, duplicate: false, folded: 0 });
    expect(again).toEqual({ stored: 0, duplicate: true, folded: 0 });
    expect(await count(a.resourceId)).toBe(50);
    const rollupTotal = await db().telemetryRollup.aggregate({
      where: { resourceId: a.resourceId, grain: 1, dim: "all" },
      _sum: { count: true },
    });
    expect(rollupTotal._sum.count).toBe(50);
    // Another resource may use the same key: idempotency is scoped by resource.
    expect(await ingestBatch({ resourceId: b.resourceId, idempotencyKey: key, instanceId: "i", events })).toEqual({
      stored: 50,
      duplicate: false,
      folded: 0,
    });
  });

  it("stores timestamps exactly as Prisma does, so date filters and ordering work on raw SQL rows", async () => {
    const { resourceId } = await createTestResource();
    const base = Date.UTC(2026, 10, 20, 23, 59, 59);
    const ms = [0, 5, 50, 999, 1000, 60_001];
    const events = ms.map((d) => ({
      type: "decision" as const,
      at: base + d,
      outcome: "allow" as const,
      latencyMs: 1,
    }));
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i", events });
    const rows = await db().telemetryEvent.findMany({ where: { resourceId }, orderBy: { at: "asc" } });
    expect(rows.map((r) => r.at.getTime() - base)).toEqual(ms);
    const later = await db().telemetryEvent.count({ where: { resourceId, at: { gte: new Date(base + 50) } } });
    expect(later).toBe(4);
    // A row written by Prisma itself sorts and compares the same way.
    await db().telemetryEvent.create({ data: { resourceId, at: new Date(base + 51), type: "decision" } });
    expect(
      await db().telemetryEvent.count({
        where: { resourceId, at: { gt: new Date(base + 50), lt: new Date(base + 999) } },
      }),
    ).toBe(1);
  });

  it("stores concurrent deliveries of the same batch once", async () => {
    const { resourceId } = await createTestResource();
    const key = randomUUID();
    const events = mixedEvents(200, 2);
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => ingestBatch({ resourceId, idempotencyKey: key, instanceId: "i", events })),
    );
    const stored = results.filter((r) => r.status === "fulfilled" && !r.value.duplicate);
    expect(stored).toHaveLength(1);
    expect(await count(resourceId)).toBe(200);
  });

  it("keeps rollups equal to the raw events they summarize, at every grain and in every projection", async () => {
    const { resourceId } = await createTestResource();
    for (let b = 0; b < 6; b++) {
      await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i", events: mixedEvents(400, b) });
    }
    const raw = await db().telemetryEvent.findMany({ where: { resourceId } });
    expect(raw).toHaveLength(2400);
    const rollups = await db().telemetryRollup.findMany({ where: { resourceId } });

    // Independent recomputation from the raw rows (not through buildRollups).
    const tally = (pairs: [string, number][]) => {
      const m = new Map<string, number>();
      for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
      return Object.fromEntries([...m.entries()].sort());
    };
    for (const grain of [1, 60, 1440]) {
      const bucketOf = (at: Date) => {
        const minute = Math.floor(at.getTime() / 60_000);
        return minute - (minute % grain);
      };
      const of = (dim: string) => rollups.filter((r) => r.grain === grain && r.dim === dim);
      expect(tally(of("all").map((r) => [`${r.bucket}|${r.type}|${r.outcome}|${r.reason}`, r.count]))).toEqual(
        tally(raw.map((e) => [`${bucketOf(e.at)}|${e.type}|${e.outcome}|${e.reason}`, 1])),
      );
      expect(tally(of("client").map((r) => [`${r.bucket}|${r.type}|${r.outcome}|${r.dimValue}`, r.count]))).toEqual(
        tally(
          raw
            .filter((e) => (e.type === "decision" || e.type === "rate_limit") && e.clientId)
            .map((e) => [`${bucketOf(e.at)}|${e.type}|${e.outcome}|${e.clientId}`, 1]),
        ),
      );
      expect(tally(of("tool").map((r) => [`${r.outcome}|${r.dimValue}`, r.count]))).toEqual(
        tally(raw.filter((e) => e.type === "decision" && e.tool).map((e) => [`${e.outcome}|${e.tool}`, 1])),
      );
      expect(tally(of("downstream").map((r) => [`${r.reason}|${r.dimValue}`, r.count]))).toEqual(
        tally(raw.filter((e) => e.type === "obo_exchange").map((e) => [`${e.reason}|${e.tool}`, 1])),
      );
      // Latency sums and histograms: every event with a latency lands in exactly one bucket.
      const all = of("all");
      const latencyRaw = raw.reduce((s, e) => s + (e.latencyMs ?? 0), 0);
      expect(all.reduce((s, r) => s + r.latencySum, 0)).toBeCloseTo(latencyRaw, 6);
      const histTotal = all.reduce(
        (s, r) => s + r.h0 + r.h1 + r.h2 + r.h3 + r.h4 + r.h5 + r.h6 + r.h7 + r.h8 + r.h9 + r.h10 + r.h11,
        0,
      );
      expect(histTotal).toBe(raw.filter((e) => e.latencyMs !== null).length);
      // Untimed decisions count as decisions, but not in the latency sums and histograms.
      const untimed = raw.filter((e) => e.type === "decision" && e.latencyMs === null).length;
      expect(untimed).toBeGreaterThan(0);
      const decisions = all.filter((r) => r.type === "decision");
      expect(decisions.reduce((s, r) => s + r.count, 0)).toBe(raw.filter((e) => e.type === "decision").length);
    }
    // Over 5000 ms lands in the overflow bucket.
    const slow = rollups.filter((r) => r.grain === 1 && r.dim === "downstream" && r.h11 > 0);
    expect(slow.length).toBeGreaterThan(0);
  });
});
