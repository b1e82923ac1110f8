import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { batchId, ingestBatch } from "./ingest";
import { pruneTelemetry } from "./retention";
import { createTestResource } from "./test-fixtures";

const DAY = 86_400_000;
// Far in the future, so rows other tests wrote "now" are older and pruned too: counts below are per resource.
const NOW = new Date(Date.UTC(2031, 0, 15, 12, 0, 0));

const allow = (at: number) => ({
  type: "decision" as const,
  at,
  outcome: "allow" as const,
  latencyMs: 1,
  clientId: "c",
});

describe("telemetry retention", () => {
  it("prunes raw events, batch keys and minute rollups past the raw retention, hourly rollups past the rollup retention", async () => {
    const { resourceId } = await createTestResource();
    const ingest = (daysAgo: number, n: number) =>
      ingestBatch(
        {
          resourceId,
          idempotencyKey: `k-${daysAgo}-${randomUUID()}`,
          instanceId: "i",
          events: Array.from({ length: n }, (_, i) => allow(NOW.getTime() - daysAgo * DAY + i)),
        },
        new Date(NOW.getTime() - daysAgo * DAY),
      );
    await ingest(100, 1); // beyond both retentions
    await ingest(30, 2); // raw expired, rollups kept
    await ingest(6, 3); // everything kept
    const result = await pruneTelemetry(NOW, { rawDays: 7, rollupDays: 90 });
    expect(result.events).toBeGreaterThanOrEqual(3);

    const raw = await db().telemetryEvent.findMany({ where: { resourceId }, select: { at: true } });
    expect(raw).toHaveLength(3);
    expect(raw.every((r) => NOW.getTime() - r.at.getTime() < 7 * DAY)).toBe(true);
    expect(await db().telemetryBatch.count({ where: { resourceId } })).toBe(1);

    const rollups = await db().telemetryRollup.groupBy({
      by: ["grain"],
      where: { resourceId, dim: "all" },
      _sum: { count: true },
    });
    // Hourly and daily rollups keep the 30-day-old and 6-day-old events (2 + 3), not the 100-day-old one;
    // per-minute rollups live as long as raw events: only the 6-day-old ones.
    expect(rollups.map((r) => [r.grain, r._sum.count]).sort()).toEqual([
      [1, 3],
      [1440, 5],
      [60, 5],
    ]);
    const oldest = await db().telemetryRollup.findFirst({ where: { resourceId }, orderBy: { bucket: "asc" } });
    expect(NOW.getTime() - (oldest?.bucket ?? 0) * 60_000).toBeLessThan(90 * DAY);
  });

  it("a pruned batch key can be delivered again (the idempotency window is the raw retention)", async () => {
    const { resourceId } = await createTestResource();
    const key = randomUUID();
    const events = [allow(NOW.getTime() - 10 * DAY)];
    await ingestBatch({ resourceId, idempotencyKey: key, instanceId: "i", events }, new Date(NOW.getTime() - 10 * DAY));
    await pruneTelemetry(NOW, { rawDays: 7, rollupDays: 90 });
    expect(await db().telemetryBatch.findUnique({ where: { id: batchId(resourceId, key) } })).toBeNull();
  });

  it("deletes in chunks until done", async () => {
    const { resourceId } = await createTestResource();
    const events = Array.from({ length: 12_000 }, (_, i) => allow(NOW.getTime() - 20 * DAY + i));
    await ingestBatch(
      { resourceId, idempotencyKey: randomUUID(), instanceId: "i", events },
      new Date(NOW.getTime() - 20 * DAY),
    );
    await pruneTelemetry(NOW, { rawDays: 7, rollupDays: 90 });
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(0);
  });
});
