import "server-only";
import type { OverviewData, RangeKey } from "@/lib/schemas/telemetry";
import { db } from "../db";
import { SILENT_AFTER_MS } from "../enforcers/instances";
import { oboPanel } from "./obo-shape";
import { aggregateTools, authTimeline, iso, jwksTimeline, num, oboLatency, TOP } from "./overview-shape";
import { HIST_BUCKETS } from "./rows";
import { Params, q } from "./sql";
import { coveringSpans, overviewWindow } from "./window";

/**
 * The Overview dashboard's data. Every chart and KPI reads TelemetryRollup only (never raw events),
 * one narrow projection per question: timelines at the range's grain grouped into steps in SQL
 * (`bucket / step * step`, integer division on both databases), totals over the coarsest whole
 * buckets of the window (see window.ts).
 */

type Row = Record<string, unknown>;

/** Runs named queries (in parallel, or one by one), reporting each one's duration. */
async function runQueries<T extends Record<string, () => Promise<unknown>>>(
  queries: T,
  opts: { onQuery?: (name: string, ms: number) => void; sequential?: boolean },
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const timed = async ([name, run]: [string, () => Promise<unknown>]) => {
    const started = performance.now();
    const value = await run();
    opts.onQuery?.(name, performance.now() - started);
    return [name, value] as const;
  };
  const entries = Object.entries(queries);
  const results: (readonly [string, unknown])[] = [];
  if (opts.sequential) for (const entry of entries) results.push(await timed(entry));
  else results.push(...(await Promise.all(entries.map(timed))));
  return Object.fromEntries(results) as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

/**
 * `onQuery` receives each query's duration; `sequential` runs them one after the other so those
 * durations are not inflated by waiting for each other (the benchmark uses both).
 */
export async function getOverview(
  input: { range: RangeKey; resourceId?: string },
  now = new Date(),
  opts: { onQuery?: (name: string, ms: number) => void; sequential?: boolean } = {},
): Promise<OverviewData> {
  const w = overviewWindow(input.range, now);
  const R = q("TelemetryRollup");
  const slot = `(${q("bucket")} / ${w.step}) * ${w.step}`;
  const hist = Array.from({ length: HIST_BUCKETS }, (_, i) => `SUM(${q(`h${i}`)}) AS h${i}`).join(", ");
  const resource = (p: Params) => (input.resourceId ? ` AND ${q("resourceId")} = ${p.add(input.resourceId)}` : "");
  /** Timeline rows: one grain over the window. */
  const rollup =
    (select: string, filter: string, tail = "") =>
    () => {
      const p = new Params();
      const where = `${q("grain")} = ${p.add(w.grain)} AND ${q("bucket")} >= ${p.add(w.start)} AND ${q("bucket")} < ${p.add(w.end)}${resource(p)}`;
      return db().$queryRawUnsafe<Row[]>(
        `SELECT ${select} FROM ${R} WHERE ${where} AND ${filter} ${tail}`,
        ...p.values,
      );
    };
  /** Totals over the window: days, hours and edge minutes, each a range scan of the primary key. */
  const spans = coveringSpans(w.start, w.end);
  const total =
    (select: string, filter: string, tail = "") =>
    () => {
      const p = new Params();
      const parts = spans.map(
        (s) =>
          `SELECT * FROM ${R} WHERE ${q("grain")} = ${p.add(s.grain)} AND ${q("bucket")} >= ${p.add(s.from)} AND ${q("bucket")} < ${p.add(s.to)}${resource(p)} AND ${filter}`,
      );
      return db().$queryRawUnsafe<Row[]>(
        `SELECT ${select} FROM (${parts.join(" UNION ALL ")}) AS r ${tail}`,
        ...p.values,
      );
    };
  const is = (column: string, value: string) => `${q(column)} = '${value}'`;
  const byTime = `${slot} AS t, ${q("outcome")} AS outcome, ${q("reason")} AS reason, SUM(${q("count")}) AS n`;
  const r = await runQueries(
    {
      totals: total(
        `${q("type")} AS type, ${q("outcome")} AS outcome, SUM(${q("count")}) AS n`,
        // Every type listed: with the type column constrained, the (grain, type, dim, bucket) key serves the range.
        `${q("type")} IN ('decision', 'jwks_refresh', 'obo_exchange', 'rate_limit') AND ${is("dim", "all")}`,
        `GROUP BY ${q("type")}, ${q("outcome")}`,
      ),
      activeClients: total(
        `COUNT(DISTINCT ${q("dimValue")}) AS n`,
        `${is("type", "decision")} AND ${is("dim", "client")}`,
      ),
      authTimeline: rollup(byTime, `${is("type", "decision")} AND ${is("dim", "all")}`, "GROUP BY 1, 2, 3"),
      jwksTimeline: rollup(byTime, `${is("type", "jwks_refresh")} AND ${is("dim", "all")}`, "GROUP BY 1, 2, 3"),
      oboLatency: total(
        `${q("dimValue")} AS d, ${q("outcome")} AS outcome, SUM(${q("count")}) AS n, ${hist}`,
        `${is("type", "obo_exchange")} AND ${is("dim", "downstream")} AND ${is("reason", "exchange")}`,
        "GROUP BY 1, 2",
      ),
      oboSeries: rollup(
        `${slot} AS t, ${q("dimValue")} AS d, SUM(${q("count")}) AS n, ${hist}`,
        `${is("type", "obo_exchange")} AND ${is("dim", "downstream")} AND ${is("reason", "exchange")}`,
        "GROUP BY 1, 2",
      ),
      oboCache: total(
        `${q("dimValue")} AS d, ${q("reason")} AS reason, SUM(${q("count")}) AS n`,
        `${is("type", "obo_exchange")} AND ${is("dim", "downstream")}`,
        "GROUP BY 1, 2",
      ),
      oboErrors: total(
        `${q("dimValue")} AS d, SUM(${q("count")}) AS n`,
        `${is("type", "obo_exchange")} AND ${is("dim", "obo_error")}`,
        `GROUP BY 1 ORDER BY 2 DESC LIMIT ${TOP}`,
      ),
      tools: total(
        `${q("dimValue")} AS d, ${q("outcome")} AS outcome, SUM(${q("count")}) AS n`,
        `${is("type", "decision")} AND ${is("dim", "tool")}`,
        "GROUP BY 1, 2",
      ),
      rateLimits: total(
        `${q("dimValue")} AS d, SUM(${q("count")}) AS n`,
        `${is("type", "rate_limit")} AND ${is("dim", "client")}`,
        `GROUP BY 1 ORDER BY 2 DESC LIMIT ${TOP}`,
      ),
      clientSoftware: total(
        `${q("dimValue")} AS d, SUM(${q("count")}) AS n`,
        `${is("type", "decision")} AND ${is("dim", "software")}`,
        `GROUP BY 1 ORDER BY 2 DESC LIMIT ${TOP}`,
      ),
      enforcersOnline: () =>
        db().enforcerInstance.count({
          where: {
            lastSeenAt: { gte: new Date(now.getTime() - SILENT_AFTER_MS) },
            ...(input.resourceId ? { resourceId: input.resourceId } : {}),
          },
        }),
      anyTelemetry: () =>
        db().telemetryRollup.findFirst({
          where: input.resourceId ? { resourceId: input.resourceId } : {},
          select: { bucket: true },
        }),
    },
    opts,
  );
  const { totals, tools, jwksTimeline: jwks, oboLatency: obo, rateLimits: limits } = r;
  const clients = r.activeClients;
  const timeline = r.authTimeline;
  const online = r.enforcersOnline;
  const any = r.anyTelemetry;

  const sum = (type: string, outcome?: string) =>
    totals
      .filter((r) => r.type === type && (outcome === undefined || r.outcome === outcome))
      .reduce((s, r) => s + num(r.n), 0);
  const requests = sum("decision");
  const allowed = sum("decision", "allow");
  const toolRows = aggregateTools(tools);
  const { auth, reasons, reasonTotals } = authTimeline(timeline, w);
  return {
    range: input.range,
    resourceId: input.resourceId ?? null,
    from: iso(w.start),
    to: iso(w.end),
    stepMinutes: w.step,
    kpis: {
      requests,
      allowed,
      denied: sum("decision", "deny"),
      successRate: requests ? allowed / requests : null,
      toolCalls: toolRows.reduce((s, t) => s + t.allowed, 0),
      toolCallsTotal: toolRows.reduce((s, t) => s + t.allowed + t.denied, 0),
      activeClients: num(clients[0]?.n),
      rateLimitHits: sum("rate_limit"),
      enforcersOnline: online,
    },
    auth,
    reasons,
    reasonTotals,
    jwks: jwksTimeline(jwks, w),
    obo: oboLatency(obo),
    ...oboPanel(r.oboSeries, r.oboCache, r.oboErrors, w),
    tools: toolRows.slice(0, TOP),
    rateLimits: limits.map((r) => ({ client: String(r.d), hits: num(r.n) })),
    clientSoftware: r.clientSoftware.map((row) => ({ ...softwareOf(String(row.d)), requests: num(row.n) })),
    neverReceived: any === null,
  };
}

/** The name and version of a `software` rollup value (`["name","version"]`, see rows.ts softwareKey). */
function softwareOf(value: string): { name: string; version: string } {
  try {
    const [name, version] = JSON.parse(value) as unknown[];
    return { name: String(name ?? ""), version: String(version ?? "") };
  } catch {
    return { name: value, version: "" };
  }
}
