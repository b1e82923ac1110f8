import "server-only";
import type { OverviewData } from "@/lib/schemas/telemetry";
import { quantile } from "./histogram";
import { HIST_BUCKETS } from "./rows";
import type { OverviewWindow } from "./window";

/** Rows of the Overview's queries turned into chart series: zero-filled steps, top-N lists, percentiles. */
type Row = Record<string, unknown>;
export const TOP = 12;
export const num = (v: unknown) => Number(v ?? 0);
export const iso = (minute: number) => new Date(minute * 60_000).toISOString();

function slots(w: OverviewWindow): number[] {
  return Array.from({ length: w.points }, (_, i) => w.start + i * w.step);
}

export function authTimeline(rows: Row[], w: OverviewWindow) {
  const totals = new Map<string, number>();
  for (const r of rows)
    if (r.outcome === "deny") totals.set(String(r.reason), (totals.get(String(r.reason)) ?? 0) + num(r.n));
  const reasonTotals = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count }));
  const reasons = reasonTotals.map((r) => r.reason);
  const points = new Map(
    slots(w).map((t) => [
      t,
      { t: iso(t), allowed: 0, ...Object.fromEntries(reasons.map((k) => [k, 0])) } as OverviewData["auth"][number],
    ]),
  );
  for (const r of rows) {
    const p = points.get(num(r.t));
    if (!p) continue;
    const key = r.outcome === "allow" ? "allowed" : String(r.reason);
    p[key] = num(p[key]) + num(r.n);
  }
  return { auth: [...points.values()], reasons, reasonTotals };
}

export function jwksTimeline(rows: Row[], w: OverviewWindow): OverviewData["jwks"] {
  const points = new Map(slots(w).map((t) => [t, { t: iso(t), scheduled: 0, forced: 0, initial: 0, errors: 0 }]));
  for (const r of rows) {
    const p = points.get(num(r.t));
    if (!p) continue;
    const trigger = r.reason === "forced" || r.reason === "initial" ? r.reason : "scheduled";
    p[trigger] += num(r.n);
    if (r.outcome === "error") p.errors += num(r.n);
  }
  return [...points.values()];
}

export function oboLatency(rows: Row[]): OverviewData["obo"] {
  const by = new Map<string, { exchanges: number; errors: number; hist: number[] }>();
  for (const r of rows) {
    const d = String(r.d);
    const entry = by.get(d) ?? { exchanges: 0, errors: 0, hist: new Array<number>(HIST_BUCKETS).fill(0) };
    entry.exchanges += num(r.n);
    if (r.outcome === "error") entry.errors += num(r.n);
    entry.hist = entry.hist.map((c, i) => c + num(r[`h${i}`]));
    by.set(d, entry);
  }
  return [...by.entries()]
    .sort((a, b) => b[1].exchanges - a[1].exchanges)
    .slice(0, TOP)
    .map(([downstream, e]) => {
      const [p50, p95, p99] = [0.5, 0.95, 0.99].map((x) => quantile(x, e.hist));
      return {
        downstream,
        exchanges: e.exchanges,
        errors: e.errors,
        p50: p50?.ms ?? null,
        p95: p95?.ms ?? null,
        p99: p99?.ms ?? null,
        overflow: Boolean(p99?.overflow),
      };
    });
}

export function aggregateTools(rows: Row[]): OverviewData["tools"] {
  const by = new Map<string, { tool: string; allowed: number; denied: number }>();
  for (const r of rows) {
    const tool = String(r.d);
    const e = by.get(tool) ?? { tool, allowed: 0, denied: 0 };
    if (r.outcome === "allow") e.allowed += num(r.n);
    else e.denied += num(r.n);
    by.set(tool, e);
  }
  return [...by.values()].sort((a, b) => b.allowed + b.denied - (a.allowed + a.denied));
}
