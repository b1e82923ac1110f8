"use client";

import Link from "next/link";
import { CategoryBarChart } from "@/components/charts/category-bar-chart";
import { ChartCard } from "@/components/charts/chart-card";
import { NEUTRAL_COLOR, OK_COLOR, seriesColor } from "@/components/charts/palette";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { ScrollRegion } from "@/components/ui/scroll-region";
import type { OverviewData } from "@/lib/schemas/telemetry";
import { OboDetails } from "./obo-details";
import { authTable, jwksTable, n, oboTable, oboText, rateLimitTable, toolsTable, toolsText } from "./overview-text";
import { reasonColor, reasonHelp } from "./reasons";

const NoData = () => <p className="py-8 text-center text-sm text-muted">No data in this range.</p>;

/** The five charts of the Overview, each with its numbers as text beside it. */
export function OverviewCharts({ data }: { data: OverviewData }) {
  const explore = (params: Record<string, string>) => {
    const p = new URLSearchParams({ ...params, from: data.from, range: "all" });
    if (data.resourceId) p.set("resource", data.resourceId);
    return `/events?${p}`;
  };
  const jwksTotals = data.jwks.reduce(
    (s, p) => ({
      scheduled: s.scheduled + p.scheduled,
      forced: s.forced + p.forced,
      initial: s.initial + p.initial,
      errors: s.errors + p.errors,
    }),
    { scheduled: 0, forced: 0, initial: 0, errors: 0 },
  );
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <ChartCard
        title="Authentication outcomes"
        summary={`${data.stepMinutes}-minute buckets, UTC`}
        wide
        text={
          data.kpis.requests === 0
            ? undefined
            : `${n(data.kpis.requests)} requests: ${n(data.kpis.requests - data.kpis.denied)} allowed, ${n(data.kpis.denied)} denied${
                data.reasonTotals[0]
                  ? `; most failures: ${data.reasonTotals[0].reason} (${n(data.reasonTotals[0].count)})`
                  : ""
              }.`
        }
        table={authTable(data)}
      >
        {data.kpis.requests === 0 ? (
          <NoData />
        ) : (
          <div className="grid gap-6 xl:grid-cols-[1fr_20rem]">
            <TimeSeriesChart
              label="Allowed requests and failures by reason over time"
              data={data.auth}
              stepMinutes={data.stepMinutes}
              series={[
                { key: "allowed", label: "allowed", color: OK_COLOR },
                ...data.reasons.map((r) => ({ key: r, label: r, color: reasonColor(r) })),
              ]}
            />
            <div>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">Failures by reason</h3>
              {data.reasonTotals.length === 0 ? (
                <p className="mt-2 text-sm text-muted">No failures in this range.</p>
              ) : (
                <ul
                  className="mt-2 divide-y divide-slate-100 text-sm dark:divide-slate-800"
                  aria-label="Failures by reason"
                >
                  {data.reasonTotals.map(({ reason, count }) => (
                    <li key={reason} className="flex items-start justify-between gap-3 py-1.5" data-reason={reason}>
                      <span className="min-w-0">
                        <span
                          aria-hidden
                          className="mr-2 inline-block h-2.5 w-2.5 rounded-sm"
                          style={{ background: reasonColor(reason) }}
                        />
                        <Link
                          href={explore({ outcome: "deny", reason })}
                          className="inline-flex min-h-6 items-center font-mono text-xs text-link hover:underline"
                        >
                          {reason}
                        </Link>
                        <Link
                          href={`/events/reasons#${reason}`}
                          className="flex min-h-6 items-center pl-5 text-xs text-muted hover:underline"
                          title={reasonHelp(reason)?.fix}
                        >
                          {reasonHelp(reason)?.title ?? "Unknown reason"}: what it means
                        </Link>
                      </span>
                      <span className="font-semibold tabular-nums" data-count>
                        {count}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        )}
      </ChartCard>

      <ChartCard
        title="JWKS refreshes"
        summary={`${data.stepMinutes}-minute buckets, UTC`}
        text={`${jwksTotals.scheduled} scheduled · ${jwksTotals.forced} forced · ${jwksTotals.initial} initial · ${jwksTotals.errors} failed.`}
        table={jwksTotals.scheduled + jwksTotals.forced + jwksTotals.initial === 0 ? undefined : jwksTable(data)}
      >
        {jwksTotals.scheduled + jwksTotals.forced + jwksTotals.initial === 0 ? (
          <NoData />
        ) : (
          <>
            <TimeSeriesChart
              label="JWKS refreshes over time, scheduled versus forced"
              data={data.jwks}
              stepMinutes={data.stepMinutes}
              height={200}
              series={[
                { key: "scheduled", label: "scheduled", color: NEUTRAL_COLOR },
                { key: "forced", label: "forced (unknown kid)", color: seriesColor(1) },
                { key: "initial", label: "initial", color: seriesColor(7) },
              ]}
            />
            <p className="mt-2 text-xs text-muted">
              More than one forced refresh a minute usually means key-rotation trouble or tokens from another IdP.
            </p>
          </>
        )}
      </ChartCard>

      <ChartCard
        title="OBO exchange latency"
        summary="p50 / p95 / p99 per downstream, IdP round trips only"
        text={oboText(data.obo)}
        tableOpen
        table={oboTable(data)}
      >
        {data.obo.length === 0 ? (
          <NoData />
        ) : (
          <>
            <CategoryBarChart
              label="On-behalf-of exchange latency percentiles per downstream API"
              data={data.obo}
              category="downstream"
              unit="ms"
              series={[
                { key: "p50", label: "p50", color: seriesColor(4) },
                { key: "p95", label: "p95", color: seriesColor(1) },
                { key: "p99", label: "p99", color: seriesColor(0) },
              ]}
            />
            <OboDetails data={data} />
          </>
        )}
      </ChartCard>

      <ChartCard
        title="Tool invocations by tool"
        summary={`${data.kpis.toolCalls} allowed of ${data.kpis.toolCallsTotal} calls`}
        text={toolsText(data.tools)}
        table={toolsTable(data)}
      >
        {data.tools.length === 0 ? (
          <NoData />
        ) : (
          <CategoryBarChart
            label="Tool invocations per tool, allowed and denied"
            data={data.tools}
            category="tool"
            stacked
            series={[
              { key: "allowed", label: "allowed", color: OK_COLOR },
              { key: "denied", label: "denied", color: seriesColor(0) },
            ]}
          />
        )}
      </ChartCard>

      <ChartCard
        title="Rate-limit hits by client"
        summary={`${data.kpis.rateLimitHits} hits`}
        text={
          data.rateLimits[0]
            ? `${n(data.kpis.rateLimitHits)} hits from ${data.rateLimits.length} client${data.rateLimits.length === 1 ? "" : "s"}; most: ${data.rateLimits[0].client} (${n(data.rateLimits[0].hits)}).`
            : undefined
        }
        table={rateLimitTable(data)}
      >
        {data.rateLimits.length === 0 ? (
          <NoData />
        ) : (
          <>
            <CategoryBarChart
              label="Rate-limit hits per client"
              data={data.rateLimits}
              category="client"
              series={[{ key: "hits", label: "hits", color: seriesColor(1) }]}
            />
            <ul className="mt-2 text-xs" aria-label="Rate-limit hits by client">
              {data.rateLimits.map((r) => (
                <li key={r.client} className="flex justify-between py-0.5">
                  <Link
                    href={explore({ type: "rate_limit", client: r.client })}
                    className="inline-flex min-h-6 items-center font-mono text-link hover:underline"
                  >
                    {r.client}
                  </Link>
                  <span className="tabular-nums">{r.hits}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </ChartCard>

      <ChartCard title="Client software" summary={`${data.clientSoftware.length} name/version pairs`}>
        {data.clientSoftware.length === 0 ? (
          <NoData />
        ) : (
          <ScrollRegion label="Requests by client software (scrollable)">
            <table className="w-full text-xs" aria-label="Requests by client software (MCP clientInfo)">
              <thead>
                <tr className="text-left text-muted">
                  <th className="py-1 font-medium">Client</th>
                  <th className="py-1 font-medium">Version</th>
                  <th className="py-1 text-right font-medium">Requests</th>
                </tr>
              </thead>
              <tbody>
                {data.clientSoftware.map((s) => (
                  <tr key={`${s.name}\u0000${s.version}`}>
                    <td className="py-0.5">{s.name}</td>
                    <td className="py-0.5 font-mono">{s.version || "—"}</td>
                    <td className="py-0.5 text-right tabular-nums">{s.requests}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </ChartCard>
    </div>
  );
}
