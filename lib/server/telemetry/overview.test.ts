import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "./ingest";
import { getOverview } from "./overview";
import { createTestResource } from "./test-fixtures";
import { coveringSpans, overviewWindow } from "./window";
import type { WireEvent } from "./wire";

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 30, 20));
const ago = (min: number) => NOW.getTime() - min * 60_000;

function traffic(): WireEvent[] {
  const e: WireEvent[] = [];
  const decision = (
    at: number,
    outcome: "allow" | "deny",
    extra: Partial<Extract<WireEvent, { type: "decision" }>> = {},
  ) => e.push({ type: "decision", at, outcome, latencyMs: 2, clientId: "agent-1", subject: "alice", ...extra });
  for (let i = 0; i < 10; i++) decision(ago(5), "allow", { method: "tools/call", tool: "read_file" });
  for (let i = 0; i < 4; i++) decision(ago(3), "allow", { method: "tools/list", clientId: "agent-2" });
  for (let i = 0; i < 3; i++) decision(ago(2), "deny", { reason: "token_expired" });
  decision(ago(2), "deny", { reason: "audience_mismatch", clientId: "agent-3" });
  decision(ago(1), "deny", { reason: "tool_not_allowed", method: "tools/call", tool: "delete_file" });
  decision(ago(120), "deny", { reason: "token_expired" }); // outside 1h, inside 24h
  e.push({ type: "jwks_refresh", at: ago(4), trigger: "forced", outcome: "ok", issuer: "i", latencyMs: 30 });
  e.push({ type: "jwks_refresh", at: ago(4), trigger: "scheduled", outcome: "error", issuer: "i", latencyMs: 30 });
  for (const ms of [40, 60, 80, 120, 3000]) {
    e.push({ type: "obo_exchange", at: ago(6), downstream: "graph", outcome: "ok", cacheHit: false, latencyMs: ms });
  }
  e.push({ type: "obo_exchange", at: ago(6), downstream: "graph", outcome: "ok", cacheHit: true, latencyMs: 0 });
  for (let i = 0; i < 7; i++) e.push({ type: "rate_limit", at: ago(1), clientId: "agent-9", category: "tool" });
  return e;
}

describe("overview", () => {
  it("aligns windows to the step and ends with the current bucket", () => {
    const w = overviewWindow("24h", NOW);
    expect(w).toMatchObject({ grain: 1, step: 15, points: 96 });
    expect(w.end - w.start).toBe(96 * 15);
    expect(w.start % 15).toBe(0);
    expect(w.end * 60_000).toBeGreaterThan(NOW.getTime());
    expect(overviewWindow("30d", NOW)).toMatchObject({ grain: 60, step: 360, points: 120 });
  });

  it("covers a window with whole days, then hours, then minutes at the edges, exactly", () => {
    const day = 1440 * 20_000; // a UTC midnight, in epoch minutes
    const spans = coveringSpans(day - 61, day + 2 * 1440 + 75);
    expect(spans).toEqual([
      { grain: 1, from: day - 61, to: day - 60 },
      { grain: 60, from: day - 60, to: day },
      { grain: 1440, from: day, to: day + 2880 },
      { grain: 60, from: day + 2880, to: day + 2880 + 60 },
      { grain: 1, from: day + 2880 + 60, to: day + 2880 + 75 },
    ]);
    expect(coveringSpans(day + 5, day + 50)).toEqual([{ grain: 1, from: day + 5, to: day + 50 }]);
    // Every window of every range is covered without gaps or overlaps.
    for (const range of ["15m", "1h", "24h", "7d", "30d"] as const) {
      const w = overviewWindow(range, NOW);
      const s = coveringSpans(w.start, w.end);
      expect(s[0]?.from).toBe(w.start);
      expect(s.at(-1)?.to).toBe(w.end);
      for (let i = 1; i < s.length; i++) expect(s[i]?.from).toBe(s[i - 1]?.to);
      for (const x of s) expect(x.from % x.grain === 0 && x.to % x.grain === 0).toBe(true);
    }
  });

  it("computes KPIs and charts from rollups, per resource", async () => {
    const { resourceId } = await createTestResource();
    const other = await createTestResource();
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i", events: traffic() });
    await ingestBatch({
      resourceId: other.resourceId,
      idempotencyKey: randomUUID(),
      instanceId: "i",
      events: traffic(),
    });

    const o = await getOverview({ range: "1h", resourceId }, NOW);
    expect(o.kpis).toEqual({
      requests: 19,
      allowed: 14,
      denied: 5,
      successRate: 14 / 19,
      toolCalls: 10,
      toolCallsTotal: 11,
      activeClients: 3,
      rateLimitHits: 7,
      enforcersOnline: 0,
    });
    expect(o.reasons).toEqual(["token_expired", "audience_mismatch", "tool_not_allowed"]);
    expect(o.auth).toHaveLength(60);
    const totalBy = (k: string) => o.auth.reduce((s, p) => s + Number(p[k] ?? 0), 0);
    expect([totalBy("allowed"), totalBy("token_expired"), totalBy("tool_not_allowed")]).toEqual([14, 3, 1]);
    expect(o.jwks.reduce((s, p) => s + p.forced, 0)).toBe(1);
    expect(o.jwks.reduce((s, p) => s + p.errors, 0)).toBe(1);
    expect(o.tools).toEqual([
      { tool: "read_file", allowed: 10, denied: 0 },
      { tool: "delete_file", allowed: 0, denied: 1 },
    ]);
    expect(o.rateLimits).toEqual([{ client: "agent-9", hits: 7 }]);
    // 5 exchanges (the cache hit is not an IdP round trip): p50 in the 50-100 ms bucket, p99 above 2 s.
    const graph = o.obo[0];
    expect(graph).toMatchObject({ downstream: "graph", exchanges: 5, errors: 0 });
    expect(graph?.p50).toBeGreaterThan(50);
    expect(graph?.p50).toBeLessThanOrEqual(100);
    expect(graph?.p99).toBeGreaterThan(2000);
    expect(o.neverReceived).toBe(false);

    const day = await getOverview({ range: "24h", resourceId }, NOW);
    expect(day.kpis.denied).toBe(6);
    // Fleet-wide (no filter) includes the other resource.
    const fleet = await getOverview({ range: "1h" }, NOW);
    expect(fleet.kpis.requests).toBeGreaterThanOrEqual(38);
  });

  it("long ranges add up whole days, hours and edge minutes without double counting", async () => {
    const { resourceId } = await createTestResource();
    const at = (min: number, n: number, tool: string) =>
      Array.from({ length: n }, () => ({
        type: "decision" as const,
        at: ago(min),
        outcome: "allow" as const,
        latencyMs: 1,
        clientId: `c-${tool}`,
        method: "tools/call",
        tool,
      }));
    const events = [...at(1, 2, "now"), ...at(90, 3, "hour"), ...at(3 * 1440, 5, "days"), ...at(10 * 1440, 7, "old")];
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i", events });
    const week = await getOverview({ range: "7d", resourceId }, NOW);
    expect(week.kpis).toMatchObject({ requests: 10, toolCalls: 10, activeClients: 3 });
    expect(week.tools.map((t) => [t.tool, t.allowed])).toEqual([
      ["days", 5],
      ["hour", 3],
      ["now", 2],
    ]);
    const month = await getOverview({ range: "30d", resourceId }, NOW);
    expect(month.kpis).toMatchObject({ requests: 17, activeClients: 4 });
    expect(month.auth.reduce((s, p) => s + p.allowed, 0)).toBe(17); // the timeline agrees with the totals
  });

  it("says when nothing was ever received for a resource", async () => {
    const { resourceId } = await createTestResource();
    const o = await getOverview({ range: "15m", resourceId }, NOW);
    expect(o.neverReceived).toBe(true);
    expect(o.kpis.requests).toBe(0);
    expect(o.kpis.successRate).toBeNull();
  });
});
