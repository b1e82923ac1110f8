/**
 * One backend's half of `npm run bench:telemetry` (run by telemetry.ts in its own process, since the
 * control plane's env and Prisma client are per process):
 *   node --import tsx --import ./scripts/bench/server-only-hook.mjs scripts/bench/telemetry-db.ts <sqlite|postgres> <size,size,…>
 * Measures ingest, the telemetry route and the Overview queries; the database it measures is made and
 * filled by telemetry-db-load.ts. Prints progress on stderr and one `RESULT {json}` line on stdout.
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { median } from "./stats";
import { type Dialect, PERM_N, SPAN_MS } from "./telemetry-data";
import { createLoader, dropDatabase, prepareDatabase } from "./telemetry-db-load";

const dialect = (process.argv[2] ?? "sqlite") as Dialect;
const sizes = (process.argv[3] ?? "1000000,10000000").split(",").map(Number);
const INGEST_BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 60);
const log = (msg: string) => process.stderr.write(`[${dialect}] ${msg}\n`);

await prepareDatabase(dialect);

const { db } = await import("@/lib/server/db");
const { ingestBatch } = await import("@/lib/server/telemetry/ingest");
const { receiveTelemetry } = await import("@/lib/server/telemetry/receive");
const { getOverview } = await import("@/lib/server/telemetry/overview");
const { RANGE_KEYS } = await import("@/lib/schemas/telemetry");
type WireEvent = import("@/lib/server/telemetry/wire").WireEvent;

const END = Date.now();
const START = END - SPAN_MS;
const { seedCredential, load } = createLoader(db, dialect, START, log);

/** A batch shaped like the generated data (see telemetry-data.ts), at "now". */
function batch(seed: number, size = 1000): WireEvent[] {
  const out: WireEvent[] = [];
  for (let i = 0; i < size; i++) {
    const n = seed * size + i;
    const k = (n * 101) % 100;
    const at = Date.now() - (i % 500);
    if (k < 88) {
      const deny = (n * 103) % 100 < 8;
      const call = (n * 109) % 10 < 7;
      out.push({
        type: "decision",
        at,
        outcome: deny ? "deny" : "allow",
        reason: deny ? "token_expired" : undefined,
        clientId: `client-${(n * 127) % 50}`,
        subject: `user-${(n * 151) % 2000}@example.com`,
        method: call ? "tools/call" : "tools/list",
        tool: call ? `tool-${(n * 157) % 15}` : undefined,
        latencyMs: ((n * 179) % 2000) / 100,
        cacheHit: true,
      });
    } else if (k < 94) {
      out.push({
        type: "obo_exchange",
        at,
        downstream: `api-${n % 3}`,
        outcome: "ok",
        cacheHit: n % 10 < 6,
        latencyMs: 20 + (n % 900),
      });
    } else if (k < 95) {
      out.push({
        type: "jwks_refresh",
        at,
        trigger: "scheduled",
        outcome: "ok",
        issuer: "https://idp.example.com/",
        latencyMs: 40,
      });
    } else {
      out.push({ type: "rate_limit", at, clientId: `client-${n % 50}`, category: "tool" });
    }
  }
  return out;
}

async function measureIngest(): Promise<number> {
  for (let w = 0; w < 3; w++)
    await ingestBatch({
      resourceId: "bench-res-0",
      idempotencyKey: randomUUID(),
      instanceId: "inst-0",
      events: batch(w),
    });
  const batches = Array.from({ length: INGEST_BATCHES }, (_, b) => batch(b + 10));
  const started = performance.now();
  for (const events of batches)
    await ingestBatch({ resourceId: "bench-res-0", idempotencyKey: randomUUID(), instanceId: "inst-0", events });
  return Math.round((INGEST_BATCHES * 1000) / ((performance.now() - started) / 1000));
}

/** The whole HTTP handler: credential check, gzip, JSON, per-event zod validation, ingest. */
async function measureRoute(credential: string): Promise<number> {
  const bodies = Array.from({ length: INGEST_BATCHES }, (_, b) =>
    gzipSync(JSON.stringify({ events: batch(b + 1000) })),
  );
  const post = (body: Buffer) =>
    receiveTelemetry(
      new Request("http://127.0.0.1/api/v1/telemetry", {
        method: "POST",
        headers: {
          authorization: `Bearer ${credential}`,
          "content-type": "application/json",
          "content-encoding": "gzip",
          "idempotency-key": randomUUID(),
        },
        body: new Uint8Array(body),
      }),
    );
  for (const body of bodies.slice(0, 3)) await post(body);
  const started = performance.now();
  for (const body of bodies) {
    const res = await post(body);
    if (res.status !== 200) throw new Error(`route answered ${res.status}: ${await res.text()}`);
  }
  return Math.round((INGEST_BATCHES * 1000) / ((performance.now() - started) / 1000));
}

interface OverviewTiming {
  range: string;
  scope: string;
  totalMs: number;
  queries: Record<string, number>;
}

async function measureOverview(): Promise<OverviewTiming[]> {
  const out: OverviewTiming[] = [];
  const now = new Date(END);
  for (const range of RANGE_KEYS) {
    for (const resourceId of [undefined, "bench-res-1"]) {
      const runs: Record<string, number>[] = [];
      const totals: number[] = [];
      for (let i = 0; i < 4; i++) {
        // One by one, so each query's own latency is measured (the first run warms caches).
        const queries: Record<string, number> = {};
        await getOverview({ range, resourceId }, now, {
          sequential: true,
          onQuery: (name, ms) => (queries[name] = ms),
        });
        if (i > 0) runs.push(queries);
        // As the dashboard runs them: all at once; the page waits for the slowest.
        const started = performance.now();
        await getOverview({ range, resourceId }, now);
        if (i > 0) totals.push(performance.now() - started);
      }
      const names = Object.keys(runs[0] ?? {});
      out.push({
        range,
        scope: resourceId ? "one resource" : "fleet",
        totalMs: median(totals),
        queries: Object.fromEntries(names.map((n) => [n, median(runs.map((r) => r[n] ?? 0))])),
      });
    }
  }
  return out;
}

const credential = await seedCredential();
const result: {
  dialect: Dialect;
  ingest: { storedEvents: number; ingestEventsPerSec: number; routeEventsPerSec: number }[];
  overview: { events: number; rollupRows: number; loadSec: number; timings: OverviewTiming[] }[];
} = { dialect, ingest: [], overview: [] };

log("ingest on an empty database");
result.ingest.push({
  storedEvents: 0,
  ingestEventsPerSec: await measureIngest(),
  routeEventsPerSec: await measureRoute(credential),
});
let loaded = 0;
for (const size of sizes) {
  if (size > PERM_N) throw new Error(`at most ${PERM_N} generated events`);
  const started = performance.now();
  await load(loaded, size);
  loaded = size;
  const loadSec = Math.round((performance.now() - started) / 1000);
  const rollupRows = await db().telemetryRollup.count();
  log(
    `overview queries over ${size.toLocaleString("en-US")} events (${rollupRows.toLocaleString("en-US")} rollup rows)`,
  );
  result.overview.push({ events: size, rollupRows, loadSec, timings: await measureOverview() });
  log("ingest on the loaded database");
  result.ingest.push({
    storedEvents: await db().telemetryEvent.count(),
    ingestEventsPerSec: await measureIngest(),
    routeEventsPerSec: await measureRoute(credential),
  });
}
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
await db().$disconnect();
if (!process.env.BENCH_KEEP) await dropDatabase(dialect);
process.exit(0);
