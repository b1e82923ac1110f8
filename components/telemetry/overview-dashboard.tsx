"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { utcTime } from "@/components/ui/utc-time";
import { type OverviewData, RANGE_KEYS, RANGES, type RangeKey } from "@/lib/schemas/telemetry";
import { ConnectEnforcer } from "./connect-enforcer";
import { OverviewCharts } from "./overview-charts";

const POLL_MS = 5_000;

async function fetchOverview(range: RangeKey, resource: string): Promise<OverviewData> {
  const params = new URLSearchParams({ range });
  if (resource) params.set("resource", resource);
  const res = await fetch(`/api/v1/telemetry/overview?${params}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`overview: HTTP ${res.status}`);
  return (await res.json()) as OverviewData;
}

/**
 * The live Overview: range picker, resource filter, KPIs and charts, polled every 5 s while the page
 * is open (React Query pauses in background tabs). The server rendered the first data; on the main
 * Overview the choices are mirrored in the URL so a reload or a shared link shows the same view.
 */
export function OverviewDashboard({
  initial,
  resources,
  fixedResourceId,
}: {
  initial: OverviewData;
  resources: { id: string; name: string }[];
  /** On a resource's page: no resource picker, no URL sync. */
  fixedResourceId?: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [range, setRange] = useState<RangeKey>(initial.range);
  const [resource, setResource] = useState(fixedResourceId ?? initial.resourceId ?? "");
  const isInitialKey = range === initial.range && resource === (initial.resourceId ?? "");
  const query = useQuery({
    queryKey: ["telemetry-overview", range, resource],
    queryFn: () => fetchOverview(range, resource),
    initialData: isInitialKey ? initial : undefined,
    placeholderData: keepPreviousData,
    refetchInterval: POLL_MS,
  });
  const data = query.data ?? initial;
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  function choose(next: { range?: RangeKey; resource?: string }) {
    const r = next.range ?? range;
    const res = next.resource ?? resource;
    setRange(r);
    setResource(res);
    if (fixedResourceId) return;
    const params = new URLSearchParams({ range: r });
    if (res) params.set("resource", res);
    router.replace(`${pathname}?${params}`, { scroll: false });
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <fieldset className="flex flex-wrap items-center gap-1" aria-label="Time range">
          <legend className="sr-only">Time range</legend>
          {RANGE_KEYS.map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={range === key}
              onClick={() => choose({ range: key })}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${
                range === key
                  ? "bg-brand-600 text-white"
                  : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
              }`}
            >
              {RANGES[key].label}
            </button>
          ))}
        </fieldset>
        <div className="flex flex-wrap items-end gap-x-4 gap-y-2">
          {fixedResourceId ? null : (
            <label className="w-full text-xs font-medium sm:w-auto">
              Resource
              <select
                value={resource}
                onChange={(e) => choose({ resource: e.target.value })}
                className="mt-1 block w-full rounded-md sm:w-56 border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
              >
                <option value="">All resources</option>
                {resources.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {/* Not a live region (issue 21): a line that changes every 5 s must not speak every 5 s. */}
          <p className="pb-1.5 text-xs text-muted">
            {query.isError ? "Update failed; retrying" : "Live"} · updated{" "}
            {/* Rendered only after mount: the server's clock and the browser's differ, and a
                time in the server HTML would never match the hydrating client (React #418). */}
            {mounted ? utcTime(query.dataUpdatedAt || Date.now()) : "just now"}
          </p>
        </div>
      </div>
      {/* aria-busy while another range or resource loads (the previous numbers stay on screen meanwhile). */}
      <div aria-busy={query.isPlaceholderData && query.isFetching} className="space-y-6">
        {data.neverReceived ? (
          <ConnectEnforcer resourceId={fixedResourceId ?? (resource || undefined)} />
        ) : (
          <>
            <Kpis data={data} />
            <OverviewCharts data={data} />
          </>
        )}
      </div>
    </div>
  );
}

function Kpis({ data }: { data: OverviewData }) {
  const k = data.kpis;
  const n = (v: number) => v.toLocaleString("en-US");
  const pct = k.successRate === null ? "–" : `${(k.successRate * 100).toFixed(k.successRate >= 0.999 ? 1 : 2)}%`;
  // [label, value, tone, caption]: the caption says what exactly is counted (issue 13 #14).
  const items: [string, string, string | undefined, string][] = [
    ["Requests", n(k.requests), undefined, "in the range"],
    ["Success rate", pct, undefined, "allowed of all requests"],
    ["Failures", n(k.denied), k.denied > 0 ? "text-red-600 dark:text-red-400" : undefined, "denied requests"],
    ["Tool calls", n(k.toolCalls), undefined, `allowed, of ${n(k.toolCallsTotal)} attempted`],
    ["Active clients", n(k.activeClients), undefined, "distinct client ids"],
    ["Enforcers online", n(k.enforcersOnline), undefined, "seen in the last 2 min"],
  ];
  return (
    <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 xl:grid-cols-6">
      {items.map(([label, value, tone, caption]) => (
        <div
          key={label}
          className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
          <dt className="text-xs font-medium uppercase tracking-wide text-muted">{label}</dt>
          <dd className={`mt-1 text-2xl font-semibold tabular-nums ${tone ?? ""}`} data-kpi={label}>
            {value}
          </dd>
          <dd className="mt-0.5 text-xs text-muted" data-kpi-caption={label}>
            {caption}
          </dd>
        </div>
      ))}
    </dl>
  );
}
