/**
 * Issue 13 #1: the OBO panel's p95/p99 time series per downstream, cache-hit ratio and failed exchanges by error
 * code, from rollups of real ingested obo_exchange events (error codes a sender invents fold into "other").
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "./ingest";
import { getOverview } from "./overview";
import { createTestResource } from "./test-fixtures";
import type { WireEvent } from "./wire";

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 30, 20));
const ago = (min: number) => NOW.getTime() - min * 60_000;

describe("OBO panel", () => {
  it("p95/p99 per step and downstream, cache hits, errors by code", async () => {
    const { resourceId } = await createTestResource();
    const e: WireEvent[] = [];
    const exchange = (at: number, downstream: string, latencyMs: number, extra: Partial<WireEvent> = {}) =>
      e.push({
        type: "obo_exchange",
        at,
        downstream,
        outcome: "ok",
        cacheHit: false,
        latencyMs,
        ...extra,
      } as WireEvent);
    for (const ms of [20, 30, 40, 45, 900]) exchange(ago(10), "graph", ms);
    for (const ms of [300, 400]) exchange(ago(3), "graph", ms);
    for (let i = 0; i < 6; i++) exchange(ago(3), "graph", 0, { cacheHit: true });
    exchange(ago(3), "sharepoint", 70);
    exchange(ago(2), "graph", 1500, { outcome: "error", error: "interaction_required" });
    exchange(ago(2), "graph", 5, { outcome: "error", error: "token_endpoint_refused" });
    exchange(ago(2), "sharepoint", 5, { outcome: "error", error: "invented<script>" });
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i", events: e });

    const o = await getOverview({ range: "1h", resourceId }, NOW);
    expect(o.oboSeriesDownstreams).toEqual(["graph", "sharepoint"]);
    const withGraph = o.oboSeries.filter((p) => p["graph p99"] !== null);
    expect(withGraph).toHaveLength(3); // three steps had graph round trips
    const first = withGraph[0];
    expect(Number(first?.["graph p99"])).toBeGreaterThan(500); // the 900 ms exchange
    expect(Number(first?.["graph p95"])).toBeGreaterThan(100);
    expect(o.oboCache.find((c) => c.downstream === "graph")).toEqual({
      downstream: "graph",
      cacheHits: 6,
      exchanges: 9,
      hitRatio: 6 / 15,
    });
    expect(o.oboErrors).toEqual(
      expect.arrayContaining([
        { code: "interaction_required", count: 1 },
        { code: "token_endpoint_refused", count: 1 },
        { code: "other", count: 1 },
      ]),
    );
    // The existing per-downstream percentiles still count IdP round trips only (errors included).
    expect(o.obo.find((d) => d.downstream === "graph")).toMatchObject({ exchanges: 9, errors: 2 });
  });
});
