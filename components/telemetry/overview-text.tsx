import type { ChartTable } from "@/components/charts/chart-card";
import { utcTime } from "@/components/ui/utc-time";
import type { OverviewData } from "@/lib/schemas/telemetry";

/** The Overview's charts in words (issue 21): one sentence per chart, read before its "Show as table". */
export const n = (v: number) => v.toLocaleString("en-US");
/** A bucket start in the dashboard's one date format (components/ui/utc-time.ts). */
export const bucketTime = (iso: string) => utcTime(iso, "minute");

export function oboText(obo: OverviewData["obo"]): string | undefined {
  if (obo.length === 0) return undefined;
  const slowest = [...obo].sort((a, b) => (b.p99 ?? 0) - (a.p99 ?? 0))[0];
  const exchanges = obo.reduce((sum, o) => sum + o.exchanges, 0);
  const errors = obo.reduce((sum, o) => sum + o.errors, 0);
  return `${n(exchanges)} exchanges to ${obo.length} downstream${obo.length === 1 ? "" : "s"}, ${n(errors)} failed${
    slowest?.p99 != null ? `; slowest p99: ${slowest.downstream} (${n(slowest.p99)} ms)` : ""
  }.`;
}

export function toolsText(tools: OverviewData["tools"]): string | undefined {
  if (tools.length === 0) return undefined;
  const allowed = tools.reduce((sum, t) => sum + t.allowed, 0);
  const denied = tools.reduce((sum, t) => sum + t.denied, 0);
  const top = [...tools].sort((a, b) => b.allowed + b.denied - (a.allowed + a.denied))[0];
  return `${n(allowed + denied)} calls of ${tools.length} tool${tools.length === 1 ? "" : "s"}: ${n(allowed)} allowed, ${n(denied)} denied${
    top ? `; most called: ${top.tool} (${n(top.allowed + top.denied)})` : ""
  }.`;
}

export function authTable(data: OverviewData): ChartTable | undefined {
  return data.kpis.requests === 0
    ? undefined
    : {
        caption: "Allowed requests and failures by reason per time bucket (UTC)",
        columns: [
          { key: "t", label: "Bucket (UTC)" },
          { key: "allowed", label: "allowed", numeric: true },
          ...data.reasons.map((r) => ({ key: r, label: r, numeric: true })),
        ],
        rows: data.auth.map((b) => ({ ...b, t: bucketTime(b.t) })),
      };
}

export function jwksTable(data: OverviewData): ChartTable | undefined {
  return {
    caption: "JWKS refreshes per time bucket (UTC)",
    columns: [
      { key: "t", label: "Bucket (UTC)" },
      { key: "scheduled", label: "scheduled", numeric: true },
      { key: "forced", label: "forced", numeric: true },
      { key: "initial", label: "initial", numeric: true },
      { key: "errors", label: "failed", numeric: true },
    ],
    rows: data.jwks.map((b) => ({ ...b, t: bucketTime(b.t) })),
  };
}

export function oboTable(data: OverviewData): ChartTable | undefined {
  return data.obo.length === 0
    ? undefined
    : {
        caption: "On-behalf-of exchanges and latency percentiles per downstream API",
        columns: [
          { key: "downstream", label: "Downstream" },
          { key: "exchanges", label: "Exchanges", numeric: true },
          { key: "errors", label: "Errors", numeric: true },
          { key: "p50", label: "p50", numeric: true },
          { key: "p95", label: "p95", numeric: true },
          { key: "p99", label: "p99", numeric: true },
        ],
        rows: data.obo.map((o) => ({
          downstream: <span className="font-mono">{o.downstream}</span>,
          exchanges: o.exchanges,
          errors: o.errors,
          p50: `${o.p50 ?? "–"} ms`,
          p95: `${o.p95 ?? "–"} ms`,
          p99: (
            <span className={(o.p99 ?? 0) > 2000 ? "font-semibold text-red-700 dark:text-red-400" : ""}>
              {o.overflow ? "> " : ""}
              {o.p99 ?? "–"} ms
            </span>
          ),
        })),
      };
}

export function toolsTable(data: OverviewData): ChartTable | undefined {
  return data.tools.length === 0
    ? undefined
    : {
        caption: "Tool invocations per tool, allowed and denied",
        columns: [
          { key: "tool", label: "Tool" },
          { key: "allowed", label: "allowed", numeric: true },
          { key: "denied", label: "denied", numeric: true },
        ],
        rows: data.tools,
      };
}

export function rateLimitTable(data: OverviewData): ChartTable | undefined {
  return data.rateLimits.length === 0
    ? undefined
    : {
        caption: "Rate-limit hits per client",
        columns: [
          { key: "client", label: "Client" },
          { key: "hits", label: "Hits", numeric: true },
        ],
        rows: data.rateLimits,
      };
}
