"use client";

import { seriesColor } from "@/components/charts/palette";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import type { OverviewData } from "@/lib/schemas/telemetry";
import { n } from "./overview-text";

/**
 * Issue 13 #1: the OBO panel's detail: p95/p99 per step for the busiest downstreams, how often the OBO client's cache
 * answered instead of the IdP, and failed exchanges by error code (`interaction_required` means admin consent).
 */
export function OboDetails({ data }: { data: OverviewData }) {
  const series = data.oboSeriesDownstreams.flatMap((d, i) => [
    { key: `${d} p95`, label: `${d} p95`, color: seriesColor(2 * i + 1) },
    { key: `${d} p99`, label: `${d} p99`, color: seriesColor(2 * i) },
  ]);
  const points = data.oboSeries.map((p) =>
    Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === null ? 0 : v])),
  );
  return (
    <div className="mt-4 space-y-4">
      {series.length > 0 ? (
        <div>
          <h3 className="mb-1 text-sm font-medium">p95 and p99 over time (ms)</h3>
          <TimeSeriesChart
            label="On-behalf-of exchange p95 and p99 latency per downstream over time"
            data={points}
            series={series}
            stepMinutes={data.stepMinutes}
            stacked={false}
            height={180}
          />
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <h3 className="mb-1 text-sm font-medium">Cache hits</h3>
          <ul aria-label="OBO cache hits per downstream" className="space-y-1 text-sm">
            {data.oboCache.map((c) => (
              <li key={c.downstream}>
                <span className="font-mono">{c.downstream}</span>:{" "}
                {c.hitRatio === null ? "no exchanges" : `${Math.round(c.hitRatio * 100)} % from cache`} (
                {n(c.cacheHits)} hits, {n(c.exchanges)} IdP round trips)
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="mb-1 text-sm font-medium">Errors by code</h3>
          {data.oboErrors.length === 0 ? (
            <p className="text-sm text-muted">No failed exchanges in this range.</p>
          ) : (
            <ul aria-label="OBO errors by code" className="space-y-1 text-sm">
              {data.oboErrors.map((e) => (
                <li key={e.code}>
                  <span className="font-mono">{e.code}</span>: {n(e.count)}
                  {e.code === "interaction_required" || e.code === "consent_required"
                    ? " (grant admin consent at the IdP)"
                    : ""}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}
