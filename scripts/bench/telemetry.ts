/**
 * `npm run bench:telemetry`: the telemetry pipeline's numbers in one run.
 *  1. Enforcer latency with telemetry off vs on (metrics + network client), side by side: over HTTP
 *     (Node adapter servers in child processes; in rounds, then in 20 ms slices with telemetry's parts, an A/A
 *     check and a calibration), in-process (enforcer.handle in a loop, the worst case), and telemetry's own
 *     work per request in process (telemetry-parts.ts). Printed by telemetry-report.ts.
 *  2. Per backend (SQLite, then PostgreSQL), in a child process with its own fresh database
 *     (data/bench-telemetry.db, PostgreSQL `portcullis_bench_telemetry`; never the dev database):
 *     ingest throughput through the real ingest function (ingestBatch) and through the whole route
 *     handler (credential, gzip, validation, ingest), on an empty database and after loading;
 *     the Overview queries' latency over 1 and 10 million stored events.
 * Options: --sizes 1000000,10000000  --backends sqlite,postgres|none  --skip-enforcer  (BENCH_INGEST_BATCHES=60)
 * To profile the enforcer's server processes: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
 * Run time on a 2-core machine: about 15-25 minutes, most of it generating 10 million events twice.
 * Targets: ingest ≥ 20,000 events/s on SQLite; every Overview query < 300 ms at 10M; telemetry's share of the
 * event loop's CPU at saturation ≤ 3% and of the median latency ≤ 1% (issue 17), printed PASS/FAIL.
 * The enforcer half alone (no database), about 10 minutes: `npm run bench:telemetry -- --backends none`.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { benchEnforcerOverhead, type EnforcerOverhead } from "./telemetry-enforcer";
import { benchEnforcerOverHttp, type HttpOverhead } from "./telemetry-enforcer-http";
import { benchTelemetryParts, type TelemetryParts } from "./telemetry-parts";
import { fmt, ms, printEnforcerReport, printEnforcerTargets, table } from "./telemetry-report";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const sizes = arg("sizes", "1000000,10000000");
const backends = arg("backends", "sqlite,postgres")
  .split(",")
  .filter((b) => b && b !== "none");
const skipEnforcer = process.argv.includes("--skip-enforcer");

interface Timing {
  range: string;
  scope: string;
  totalMs: number;
  queries: Record<string, number>;
}
interface BackendResult {
  dialect: string;
  ingest: { storedEvents: number; ingestEventsPerSec: number; routeEventsPerSec: number }[];
  overview: { events: number; rollupRows: number; loadSec: number; timings: Timing[] }[];
}

function runBackend(backend: string): Promise<BackendResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        "./scripts/bench/server-only-hook.mjs",
        "scripts/bench/telemetry-db.ts",
        backend,
        sizes,
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: process.env },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`${backend} bench failed (exit ${code})`));
      else resolve(JSON.parse(line.slice(7)) as BackendResult);
    });
  });
}

process.stderr.write("enforcer latency, telemetry off vs on (HTTP, then in-process)…\n");
const http: HttpOverhead | undefined = skipEnforcer ? undefined : await benchEnforcerOverHttp();
const overhead: EnforcerOverhead | undefined = skipEnforcer ? undefined : await benchEnforcerOverhead();
const parts: TelemetryParts | undefined = skipEnforcer ? undefined : await benchTelemetryParts();
const results: BackendResult[] = [];
for (const backend of backends) results.push(await runBackend(backend));
writeFileSync("data/bench-telemetry-results.json", JSON.stringify({ http, overhead, parts, results }, null, 2));

if (http && overhead) printEnforcerReport(http, overhead, parts);

const columns = results.flatMap((r) => r.overview.map((o) => ({ label: `${r.dialect} ${fmt(o.events)}`, o })));
if (results.length) {
  console.log("\n## Ingest throughput (events/s, batches of 1,000, sequential)\n");
  console.log(
    table(
      ["backend", "stored events", "ingestBatch()", "POST handler (auth+gzip+zod+ingest)"],
      results.flatMap((r) =>
        r.ingest.map((i) => [r.dialect, fmt(i.storedEvents), fmt(i.ingestEventsPerSec), fmt(i.routeEventsPerSec)]),
      ),
    ),
  );

  console.log("\n## Overview queries (ms, median of 3; each query run alone; worst range and scope)\n");
  const names = Object.keys(results[0]?.overview[0]?.timings[0]?.queries ?? {});
  console.log(
    table(
      ["query", ...columns.map((c) => c.label)],
      [
        ...names.map((n) => [n, ...columns.map((c) => ms(Math.max(...c.o.timings.map((t) => t.queries[n] ?? 0))))]),
        ["whole page, parallel", ...columns.map((c) => ms(Math.max(...c.o.timings.map((t) => t.totalMs))))],
        ["rollup rows", ...columns.map((c) => fmt(c.o.rollupRows))],
        ["load time (s)", ...columns.map((c) => String(c.o.loadSec))],
      ],
    ),
  );

  console.log("\n## Overview page by range (ms, all queries in parallel as the dashboard runs them)\n");
  console.log(
    table(
      ["range", "scope", ...columns.map((c) => c.label)],
      (columns[0]?.o.timings ?? []).map((t, i) => [
        t.range,
        t.scope,
        ...columns.map((c) => ms(c.o.timings[i]?.totalMs ?? 0)),
      ]),
    ),
  );
}

const sqlite = results.find((r) => r.dialect === "sqlite");
const sqliteIngest = sqlite ? Math.min(...sqlite.ingest.map((i) => i.ingestEventsPerSec)) : undefined;
const tenMillion = columns.filter((c) => c.o.events >= 10_000_000);
const worstQuery = tenMillion.length
  ? Math.max(...tenMillion.flatMap((c) => c.o.timings.flatMap((t) => Object.values(t.queries))))
  : undefined;
console.log("\n## Targets\n");
if (sqliteIngest !== undefined)
  console.log(
    `- SQLite ingest ≥ 20,000 events/s: lowest measured ${fmt(sqliteIngest)} → ${sqliteIngest >= 20_000 ? "met" : "NOT met"}`,
  );
if (worstQuery !== undefined)
  console.log(
    `- every Overview query < 300 ms at 10M events: slowest ${ms(worstQuery)} ms → ${worstQuery < 300 ? "met" : "NOT met"}`,
  );
if (http && overhead) printEnforcerTargets(http);
console.log("\nRaw results: data/bench-telemetry-results.json");
process.exit(0);
