/**
 * Telemetry's cost over HTTP measured in slices: under one continuous load, the server itself alternates two
 * modes every `sliceMs` (a b b a a b b a …, see `runSlices` in telemetry-enforcer-server.ts) and reads its
 * CPU time and the requests served at every switch. On these VMs the speed of the machine moves by up to
 * ±25 % from one third of a second to the next, so rounds a second or more apart (telemetry-enforcer-http.ts)
 * give intervals wider than the effect; slices a fiftieth of a second apart see the same machine. Every four
 * slices form one ABBA block, whose ratio is the overhead of one mode over the other; the median of the
 * blocks and its bootstrap interval are reported, as for the rounds. A calibration run against a mode with a
 * known cost (1 µs of busy work per request) shows the measure finds what it should, and an A/A run (two
 * identical modes) that it finds nothing where there is nothing.
 */
import { buildRequest, runLoad } from "./load-generator";
import { abbaOverheadPct, median, type Overhead } from "./stats";

/** One slice as the server reports it. */
export interface SliceRow {
  mode: string;
  requests: number;
  /** CPU time of the main thread (the event loop) and of the whole process in the slice, µs. */
  mainUs: number;
  processUs: number;
  ms: number;
}

/** What a bench server must offer for slices: its port and the `slices` command. */
export interface SliceServer {
  port: number;
  mode(mode: string): Promise<void>;
  slices(a: string, b: string, sliceMs: number, count: number): Promise<SliceRow[]>;
}

/** A sliced comparison of mode `b` against mode `a`. */
export interface SlicedOverhead {
  a: string;
  b: string;
  sliceMs: number;
  /** Slices measured (all processes). */
  slices: number;
  /** Event-loop (main thread) CPU per request, µs: median over the slices of each mode, and b's overhead. */
  cpuA: number;
  cpuB: number;
  cpu: Overhead;
  /** The same for the whole process (worker thread and libuv pool included). */
  processCpu: Overhead;
  /** Median latency at one connection (each slice's median; then as above), when measured. */
  p50A?: number;
  p50B?: number;
  p50?: Overhead;
}

const modeOf = (i: number, a: string, b: string) => ((i & 3) === 0 || (i & 3) === 3 ? a : b);

/**
 * Mode `b`'s overhead over mode `a` from per-slice values in slice order (modes a b b a …): each two
 * consecutive slices hold one of each, and each two such pairs one ABBA block (see abbaOverheadPct).
 *
 * @example slicesOverhead([10, 11, 11, 10], ["a", "b", "b", "a"], "a") // → { pct: 10, low: 10, high: 10 }
 */
export function slicesOverhead(values: number[], modes: string[], a: string): Overhead {
  const { on, off } = pairs(values, modes, a);
  return abbaOverheadPct(on, off);
}

/** Splits per-slice values into (b, a) pairs in slice order: each two consecutive slices hold one of each. */
function pairs(values: number[], modes: string[], a: string): { on: number[]; off: number[] } {
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const [x, y] = [values[i] as number, values[i + 1] as number];
    if (modes[i] === a) {
      off.push(x);
      on.push(y);
    } else {
      on.push(x);
      off.push(y);
    }
  }
  return { on, off };
}

/**
 * Runs `count` slices of `sliceMs` on each server under `connections` keep-alive connections, comparing
 * mode `b` with mode `a`; with `latency`, a second run at one connection gives the median latency.
 */
export async function slicedOverhead(
  servers: SliceServer[],
  request: Parameters<typeof buildRequest>,
  a: string,
  b: string,
  opts: { sliceMs: number; count: number; connections: number; latency: boolean },
): Promise<SlicedOverhead> {
  if (opts.count % 4 !== 0) throw new RangeError("slices come in ABBA blocks of four");
  const requests = [buildRequest(...request)];
  const lead = 300;
  const run = async (server: SliceServer, connections: number, tagged: boolean) => {
    const load = runLoad({
      port: server.port,
      connections,
      warmupMs: 0,
      durationMs: lead + opts.count * opts.sliceMs + lead,
      requests,
      ...(tagged ? { tagHeader: "x-bench-slice" } : {}),
    });
    await new Promise((resolve) => setTimeout(resolve, lead));
    const rows = await server.slices(a, b, opts.sliceMs, opts.count);
    if (rows.length !== opts.count) throw new Error(`slices ${a}/${b}: the server measured ${rows.length} slices`);
    const result = await load;
    if (result.non2xx || result.socketErrors)
      throw new Error(`slices ${a}/${b}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors`);
    return { rows, byTag: result.byTag };
  };

  const cpu: number[] = [];
  const proc: number[] = [];
  const modes: string[] = [];
  const p50: number[] = [];
  const p50Modes: string[] = [];
  for (const server of servers) {
    for (const mode of [b, a]) {
      await server.mode(mode); // warm (JIT, caches): a mode the rounds did not serve starts cold
      await runLoad({ port: server.port, connections: 4, warmupMs: 0, durationMs: 500, requests });
    }
    const { rows } = await run(server, opts.connections, false);
    for (const row of rows) {
      modes.push(row.mode);
      cpu.push(row.mainUs / row.requests);
      proc.push(row.processUs / row.requests);
    }
    if (opts.latency) {
      const { byTag } = await run(server, 1, true);
      for (let i = 0; i < opts.count; i++) {
        p50Modes.push(modeOf(i, a, b));
        p50.push(median(byTag?.get(String(i)) ?? [], Number.NaN) * 1000);
      }
    }
  }
  const of = (values: number[], list: string[], mode: string) => values.filter((_, i) => list[i] === mode);
  const round = (x: number) => Math.round(x * 100) / 100;
  const result: SlicedOverhead = {
    a,
    b,
    sliceMs: opts.sliceMs,
    slices: cpu.length,
    cpuA: round(median(of(cpu, modes, a))),
    cpuB: round(median(of(cpu, modes, b))),
    cpu: slicesOverhead(cpu, modes, a),
    processCpu: slicesOverhead(proc, modes, a),
  };
  if (opts.latency) {
    result.p50A = round(median(of(p50, p50Modes, a)));
    result.p50B = round(median(of(p50, p50Modes, b)));
    result.p50 = slicesOverhead(p50, p50Modes, a);
  }
  return result;
}
