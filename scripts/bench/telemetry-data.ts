/**
 * Synthetic telemetry for the benchmark, generated INSIDE the database (SQLite recursive CTE,
 * PostgreSQL generate_series): millions of rows without shipping them through Node. Every column is
 * a deterministic function of the row number n, so runs are comparable. The rollups are then
 * derived from the raw rows by SQL that mirrors lib/server/telemetry/rows.ts (projections "all",
 * "client", "tool", "downstream" at grains 1, 60 and 1440), chunk by chunk, added with ON CONFLICT.
 *
 * Mix: 88% decisions (8% denied, reasons skewed towards token_expired; 70% tools/call over 15 tools),
 * 6% OBO exchanges (3 downstreams, 60% cache hits), 1% JWKS refreshes, 5% rate-limit hits;
 * 5 resources, 50 clients, 2,000 subjects, 10 instances. Raw events are spread over the last 7 days
 * (the default raw retention: "10 million stored events" is ~1,000 events a minute). Hourly rollups
 * are kept 90 days, so steady state has hourly rows for the whole 30-day range: `backfillHoursSql`
 * copies the 7 days of hourly rows 1-4 weeks back, so the 30-day query reads what it would in production.
 */
import { TELEMETRY_LATENCY_BUCKETS_MS } from "../../lib/enforcer/telemetry/metrics";

export type Dialect = "sqlite" | "postgres";
export const SPAN_MS = 7 * 86_400_000;
/** Row n lands at start + perm(n) * span / N, perm a bijection of 0..N-1: any prefix spreads over the whole span. */
export const PERM_N = 10_000_000;

const r = (k: number, mod: number) => `((n * ${k}) % 1000003 % ${mod})`;

function columns(d: Dialect, startMs: number): string {
  const off = `((n * 7919) % ${PERM_N}) * ${SPAN_MS} / ${PERM_N}`;
  const at =
    d === "sqlite"
      ? `strftime('%Y-%m-%dT%H:%M:%f', (${startMs} + ${off}) / 1000.0, 'unixepoch') || '+00:00'`
      : `(to_timestamp((${startMs} + ${off}) / 1000.0) AT TIME ZONE 'UTC')::timestamp(3)`;
  const cat = (...parts: string[]) => (d === "sqlite" ? parts.join(" || ") : `concat(${parts.join(", ")})`);
  const kind = r(101, 100); // < 88 decision, < 94 obo, < 95 jwks, else rate_limit
  const deny = `${r(103, 100)} < 8`;
  const reason = `CASE ${r(107, 8)} WHEN 0 THEN 'token_expired' WHEN 1 THEN 'token_expired' WHEN 2 THEN 'token_expired' WHEN 3 THEN 'audience_mismatch' WHEN 4 THEN 'insufficient_scope' WHEN 5 THEN 'tool_not_allowed' WHEN 6 THEN 'unknown_kid' ELSE 'rate_limited' END`;
  const isCall = `${r(109, 10)} < 7`;
  const cacheHit = `${r(113, 10)} < 6`;
  const client = cat("'client-'", r(127, 50));
  return `
    ${at},
    ${cat("'bench-res-'", r(131, 5))},
    ${cat("'inst-'", r(137, 10))},
    CASE WHEN ${kind} < 88 THEN 'decision' WHEN ${kind} < 94 THEN 'obo_exchange' WHEN ${kind} < 95 THEN 'jwks_refresh' ELSE 'rate_limit' END,
    CASE WHEN ${kind} < 88 THEN (CASE WHEN ${deny} THEN 'deny' ELSE 'allow' END)
         WHEN ${kind} < 94 THEN (CASE WHEN ${r(139, 50)} = 0 THEN 'error' ELSE 'ok' END)
         WHEN ${kind} < 95 THEN 'ok' ELSE 'hit' END,
    CASE WHEN ${kind} < 88 THEN (CASE WHEN ${deny} THEN ${reason} ELSE '' END)
         WHEN ${kind} < 94 THEN (CASE WHEN ${cacheHit} THEN 'cache_hit' ELSE 'exchange' END)
         WHEN ${kind} < 95 THEN (CASE WHEN ${r(149, 10)} = 0 THEN 'forced' ELSE 'scheduled' END)
         ELSE 'tool' END,
    CASE WHEN ${kind} < 88 OR ${kind} >= 95 THEN ${client} ELSE '' END,
    CASE WHEN ${kind} < 88 THEN ${cat("'user-'", r(151, 2000), "'@example.com'")} ELSE '' END,
    CASE WHEN ${kind} < 88 AND ${isCall} THEN ${cat("'tool-'", r(157, 15))}
         WHEN ${kind} >= 88 AND ${kind} < 94 THEN ${cat("'api-'", r(163, 3))} ELSE '' END,
    CASE WHEN ${kind} < 88 THEN (CASE WHEN ${isCall} THEN 'tools/call' ELSE 'tools/list' END) ELSE '' END,
    CASE WHEN ${kind} >= 95 THEN NULL
         WHEN ${kind} >= 88 AND ${kind} < 94 AND NOT (${cacheHit}) THEN 20 + ${r(167, 1000)} * ${r(167, 1000)} / 400.0
         WHEN ${kind} < 95 AND ${kind} >= 94 THEN 30 + ${r(173, 100)}
         ELSE ${r(179, 2000)} / 100.0 END,
    CASE WHEN ${kind} < 88 THEN '{"cacheHit":true}' ELSE NULL END`;
}

const RAW = [
  "at",
  "resourceId",
  "instanceId",
  "type",
  "outcome",
  "reason",
  "clientId",
  "subject",
  "tool",
  "method",
  "latencyMs",
  "data",
]
  .map((c) => `"${c}"`)
  .join(",");

/** INSERT of rows n in [from, to) (n is the generator, not the id). */
export function generateSql(d: Dialect, from: number, to: number, startMs: number): string {
  if (d === "sqlite") {
    return `WITH RECURSIVE seq(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM seq WHERE n < ${to - 1})
      INSERT INTO "TelemetryEvent" (${RAW}) SELECT ${columns(d, startMs)} FROM seq`;
  }
  return `INSERT INTO "TelemetryEvent" (${RAW}) SELECT ${columns(d, startMs)} FROM generate_series(${from}::bigint, ${to - 1}::bigint) AS g(n)`;
}

const HIST = (() => {
  const bounds = [...TELEMETRY_LATENCY_BUCKETS_MS];
  return bounds
    .map((le, i) => {
      const lower = i === 0 ? "" : ` AND "latencyMs" > ${bounds[i - 1]}`;
      return `SUM(CASE WHEN "latencyMs" <= ${le}${lower} THEN 1 ELSE 0 END)`;
    })
    .concat([`SUM(CASE WHEN "latencyMs" > ${bounds.at(-1)} THEN 1 ELSE 0 END)`]);
})();

const ROLLUP_COLS = `"grain","type","dim","bucket","resourceId","outcome","reason","dimValue","count","latencySum",${HIST.map((_, i) => `"h${i}"`).join(",")}`;
const ADDITIVE = ["count", "latencySum", ...HIST.map((_, i) => `h${i}`)]
  .map((c) => `"${c}" = "TelemetryRollup"."${c}" + excluded."${c}"`)
  .join(", ");

/** Rollup upserts for raw rows with id in [fromId, toId], one statement per projection (both grains each). */
export function rollupSql(d: Dialect, fromId: number, toId: number): string[] {
  const minute = d === "sqlite" ? `(unixepoch("at") / 60)` : `floor(extract(epoch from "at") / 60)::bigint`;
  const grains =
    d === "sqlite"
      ? "(SELECT 1 AS grain UNION ALL SELECT 60 UNION ALL SELECT 1440)"
      : "(VALUES (1), (60), (1440)) AS gr(grain)";
  const projections: { dim: string; reason: string; value: string; where: string }[] = [
    { dim: "all", reason: `"reason"`, value: "''", where: "1 = 1" },
    {
      dim: "client",
      reason: `CASE WHEN "type" = 'decision' THEN '' ELSE "reason" END`,
      value: `"clientId"`,
      where: `(("type" = 'decision' AND "clientId" <> '') OR "type" = 'rate_limit')`,
    },
    { dim: "tool", reason: "''", value: `"tool"`, where: `"type" = 'decision' AND "tool" <> ''` },
    { dim: "downstream", reason: `"reason"`, value: `"tool"`, where: `"type" = 'obo_exchange'` },
  ];
  return projections.map(
    (p) => `INSERT INTO "TelemetryRollup" (${ROLLUP_COLS})
      SELECT * FROM (
        SELECT grain, "type", '${p.dim}', (${minute} / grain) * grain AS b, "resourceId", "outcome", ${p.reason} AS rs, ${p.value} AS v,
               COUNT(*), COALESCE(SUM("latencyMs"), 0), ${HIST.join(", ")}
        FROM "TelemetryEvent", ${grains}
        WHERE "id" BETWEEN ${fromId} AND ${toId} AND ${p.where}
        GROUP BY grain, "type", b, "resourceId", "outcome", rs, v
      ) AS agg WHERE true
      ON CONFLICT ("grain","type","dim","bucket","resourceId","outcome","reason","dimValue") DO UPDATE SET ${ADDITIVE}`,
  );
}

/**
 * Replaces the hourly and daily rollups before `startMinute` (a UTC midnight) with copies of the
 * generated week's, shifted 1-4 weeks back.
 */
export function backfillHoursSql(startMinute: number): string[] {
  const week = 7 * 1440;
  const cols = `"grain","type","dim","resourceId","outcome","reason","dimValue","count","latencySum",${HIST.map((_, i) => `"h${i}"`).join(",")}`;
  return [
    `DELETE FROM "TelemetryRollup" WHERE "grain" IN (60, 1440) AND "bucket" < ${startMinute}`,
    ...[1, 2, 3, 4].map(
      (k) => `INSERT INTO "TelemetryRollup" ("bucket",${cols})
        SELECT "bucket" - ${k * week}, ${cols} FROM "TelemetryRollup" WHERE "grain" IN (60, 1440) AND "bucket" >= ${startMinute}`,
    ),
  ];
}
