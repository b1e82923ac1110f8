import type { OverviewData } from "@/lib/schemas/telemetry";
import { quantile } from "./histogram";
import { iso, num } from "./overview-shape";
import { HIST_BUCKETS } from "./rows";
import type { OverviewWindow } from "./window";

type Row = Record<string, unknown>;

/** At most this many downstreams get their own p95/p99 lines (the busiest ones). */
const SERIES_DOWNSTREAMS = 4;

/**
 * Issue 13 #1: the OBO panel's p95/p99 over time per downstream (IdP round trips only, from the histogram columns of
 * the per-step rollups), cache-hit ratio per downstream, and failed exchanges by error code.
 */
export function oboPanel(
  series: Row[],
  cache: Row[],
  errors: Row[],
  w: OverviewWindow,
): Pick<OverviewData, "oboSeries" | "oboSeriesDownstreams" | "oboCache" | "oboErrors"> {
  const volume = new Map<string, number>();
  for (const r of series) volume.set(String(r.d), (volume.get(String(r.d)) ?? 0) + num(r.n));
  const downstreams = [...volume.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, SERIES_DOWNSTREAMS)
    .map(([d]) => d);
  const points = new Map(
    Array.from({ length: w.points }, (_, i) => w.start + i * w.step).map((t) => {
      const point: OverviewData["oboSeries"][number] = { t: iso(t) };
      for (const d of downstreams) {
        point[`${d} p95`] = null;
        point[`${d} p99`] = null;
      }
      return [t, point];
    }),
  );
  for (const r of series) {
    const d = String(r.d);
    const p = points.get(num(r.t));
    if (!p || !downstreams.includes(d)) continue;
    const hist = Array.from({ length: HIST_BUCKETS }, (_, i) => num(r[`h${i}`]));
    p[`${d} p95`] = quantile(0.95, hist)?.ms ?? null;
    p[`${d} p99`] = quantile(0.99, hist)?.ms ?? null;
  }
  const byDownstream = new Map<string, { hits: number; exchanges: number }>();
  for (const r of cache) {
    const d = String(r.d);
    const e = byDownstream.get(d) ?? { hits: 0, exchanges: 0 };
    if (r.reason === "cache_hit") e.hits += num(r.n);
    else e.exchanges += num(r.n);
    byDownstream.set(d, e);
  }
  return {
    oboSeries: [...points.values()],
    oboSeriesDownstreams: downstreams,
    oboCache: [...byDownstream.entries()]
      .map(([downstream, e]) => ({
        downstream,
        cacheHits: e.hits,
        exchanges: e.exchanges,
        hitRatio: e.hits + e.exchanges ? e.hits / (e.hits + e.exchanges) : null,
      }))
      .sort((a, b) => b.cacheHits + b.exchanges - (a.cacheHits + a.exchanges)),
    oboErrors: errors.map((r) => ({ code: String(r.d), count: num(r.n) })),
  };
}
