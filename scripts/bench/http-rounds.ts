/**
 * Interleaved HTTP measurement for the enforcer benchmark. Every server is started
 * once (pinned to CPU 0), then the cases are measured in rounds: round 1 runs each
 * case once, round 2 again (in a rotated order), and so on. A burst of load from another process on this
 * shared machine then lands on one sample of each case rather than on every sample
 * of one case, and the median over rounds is what the table shows (with the spread).
 * Every case gets the same load: same keep-alive connections, same duration, and the
 * request list its row declares.
 */
import { type LoadResult, runLoad } from "./load-generator.js";
import { type ServerProcess, startServer } from "./server-process.js";
import { median } from "./stats.js";

/** One row of the HTTP table. */
export interface HttpCase {
  label: string;
  /** bench-server.ts case name. */
  server: string;
  /** Raw requests, used round-robin. */
  requests: Buffer[];
}

/** The medians of a case over the rounds. */
export interface HttpSummary {
  rps: number;
  p50Ms: number;
  /** Server CPU µs per request: median, lowest and highest round. */
  cpuUsPerReq: number;
  cpuMin: number;
  cpuMax: number;
  /** Non-2xx responses and socket errors over all rounds (any makes the row invalid). */
  errors: number;
  firstStatus: number;
}

interface RoundOptions {
  outDir: string;
  jwksUri: string;
  pin: boolean;
  rounds: number;
  connections: number;
  durationMs: number;
  /** Warm-up of the first round (JIT, JWKS fetch, caches); later rounds use `warmupMs`. */
  firstWarmupMs: number;
  warmupMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures one round of one case: load for warm-up + duration, server CPU over the duration only. */
async function measureOnce(
  proc: ServerProcess,
  c: HttpCase,
  o: RoundOptions,
  warmupMs: number,
): Promise<LoadResult & { cpuUsPerReq: number }> {
  const load = runLoad({
    port: proc.port,
    connections: o.connections,
    warmupMs,
    durationMs: o.durationMs,
    requests: c.requests,
  });
  await sleep(warmupMs);
  const before = await proc.stats();
  await sleep(o.durationMs);
  const after = await proc.stats();
  const result = await load;
  return { ...result, cpuUsPerReq: (after.cpuUs - before.cpuUs) / Math.max(1, after.served - before.served) };
}

/** Runs every case `rounds` times, interleaved, and returns the per-case summaries (keyed by server name). */
export async function measureHttpRounds(cases: HttpCase[], o: RoundOptions): Promise<Record<string, HttpSummary>> {
  const procs = new Map<string, ServerProcess>();
  const samples = new Map<string, (LoadResult & { cpuUsPerReq: number })[]>();
  try {
    for (const c of cases) procs.set(c.server, await startServer(o.outDir, c.server, o.jwksUri, o.pin));
    for (let round = 0; round < o.rounds; round++) {
      // Each round starts one case later, so no case always follows the same neighbour (a slow peer's
      // after-effects, a periodic background job) in every round. The first round also warms up every server.
      const order = cases.map((_, i) => cases[(i + round) % cases.length] as HttpCase);
      for (const c of order) {
        const proc = procs.get(c.server);
        if (!proc) continue;
        const r = await measureOnce(proc, c, o, round === 0 ? o.firstWarmupMs : o.warmupMs);
        samples.set(c.server, [...(samples.get(c.server) ?? []), r]);
      }
    }
  } finally {
    await Promise.all([...procs.values()].map((p) => p.stop()));
  }
  const out: Record<string, HttpSummary> = {};
  for (const [server, rs] of samples) {
    const cpu = rs.map((r) => r.cpuUsPerReq);
    out[server] = {
      rps: median(
        rs.map((r) => r.rps),
        Number.NaN,
      ),
      p50Ms: median(
        rs.map((r) => r.p50Ms),
        Number.NaN,
      ),
      cpuUsPerReq: median(cpu, Number.NaN),
      cpuMin: Math.min(...cpu),
      cpuMax: Math.max(...cpu),
      errors: rs.reduce((n, r) => n + r.non2xx + r.socketErrors, 0),
      firstStatus: rs[0]?.firstStatus ?? 0,
    };
  }
  return out;
}
