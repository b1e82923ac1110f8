/**
 * The enforcer's added latency and CPU over HTTP, telemetry off vs on: two server processes (A and B; the
 * Node adapter, see telemetry-enforcer-server.ts), each serving all four modes (no enforcer, telemetry
 * off, telemetry on as it ships, and on with the client forced onto the event loop) and switched between
 * rounds, driven by the raw-socket load generator from this process. The servers are not pinned to one
 * CPU: with one CPU the client would (rightly) not start its worker thread. Each round measures every mode
 * in each process, the order alternating (bare/off/on/loop, then loop/on/off/bare), and every on sample
 * is paired with the off sample of the same process and round. One connection gives the latency a client
 * sees; eight connections saturate the server and give its CPU cost: the event loop's own (main thread,
 * the request path) and the whole process's (worker thread and libuv pool included).
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { startCollector } from "./collector";
import { compileForBench } from "./compile";
import { buildRequest, runLoad } from "./load-generator";
import { lineReader, listeningPort, serverNodeArgs } from "./server-process";
import { abbaOverheadPct, median, type Overhead } from "./stats";
import { benchCall } from "./telemetry-call";
import { type SlicedOverhead, type SliceRow, type SliceServer, slicedOverhead } from "./telemetry-enforcer-slices";
import { SINK_PARTS } from "./telemetry-parts";

/** One measure in the three modes (medians of the samples) and telemetry's paired overhead (on vs off). */
export interface ModeMeasure {
  bare: number;
  off: number;
  on: number;
  loop: number;
  /** Median of the paired on/off ratios − 1, in %, with its 90 % bootstrap interval. */
  overhead: Overhead;
  /** The same for the event-loop client (loop/off). */
  loopOverhead: Overhead;
}

export interface HttpOverhead {
  rounds: number;
  /** Each mode's measuring window per round, ms (at one connection, and again at eight). */
  windowMs: number;
  processes: number;
  /** Mean latency of one connection (closed loop), µs: what a client sees. */
  latency: ModeMeasure;
  /** Median (p50) latency of one connection, µs. */
  p50: ModeMeasure;
  /** Requests/s at eight connections (the server saturated). */
  rps: ModeMeasure;
  /** Server CPU time per request at eight connections, µs: the main thread (the event loop serving requests). */
  cpu: ModeMeasure;
  /** The same for the whole process (the telemetry worker thread and the libuv pool included). */
  processCpu: ModeMeasure;
  /** Where the "on" client sent from (worker, or event-loop when the worker could not start). */
  onThread: string;
  /**
   * The same comparisons in slices of 20 ms (by default) under one continuous load (see
   * telemetry-enforcer-slices.ts): telemetry on against off (CPU at eight connections, median latency at
   * one), and the calibration, off plus 1 µs of busy work per request against off.
   */
  sliced: {
    on: SlicedOverhead;
    calibration: SlicedOverhead;
    /** `off` against an identical second `off`: what the measure finds where there is nothing. */
    same: SlicedOverhead;
    parts: Record<(typeof SINK_PARTS)[number], SlicedOverhead>;
  };
  /** Load average (1 min) at the start and the end of the run: other work on this machine. */
  loadAverage: [number, number];
}

export interface ModeServer extends SliceServer {
  /** Switches the served mode (bare, off, on, loop, off+1us); resolves once switched. */
  mode(mode: string): Promise<void>;
  /** The server's own CPU time so far, µs: whole process and main thread, and the on client's thread. */
  cpu(): Promise<{ process: number; main: number; thread: string }>;
  stop(): void;
}

type Mode = "bare" | "off" | "on" | "loop";
const byMode = (): Record<Mode, number[]> => ({ bare: [], off: [], on: [], loop: [] });

/** Starts one bench server (telemetry-enforcer-server.ts) with `env`. @example const s = await startServer({ BENCH_ENFORCER_DIR: dir }); */
export async function startServer(env: Record<string, string>): Promise<ModeServer> {
  const args = [...serverNodeArgs(), "--import", "tsx", "scripts/bench/telemetry-enforcer-server.ts"];
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...env } });
  const nextLine = lineReader(child);
  const ask = (line: string) => {
    const answer = nextLine();
    child.stdin.write(`${line}\n`);
    return answer;
  };
  const port = await listeningPort(child, nextLine, "telemetry bench server");
  return {
    port,
    mode: async (mode) => {
      await ask(`mode ${mode}`);
    },
    slices: async (a, b, sliceMs, count) => {
      const line = await ask(`slices ${a} ${b} ${sliceMs} ${count}`);
      return JSON.parse(line.slice(line.indexOf(" ") + 1)) as SliceRow[];
    },
    cpu: async () => {
      const [, total, main, , , thread] = (await ask("stats")).split(" ");
      return { process: Number(total), main: Number(main), thread: thread ?? "" };
    },
    stop: () => child.kill(),
  };
}

export async function benchEnforcerOverHttp(
  rounds = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 16),
  // Shorter windows and more rounds pair the modes more closely in time: on a machine whose speed drifts
  // within a second, `BENCH_TELEMETRY_ROUNDS=48 BENCH_TELEMETRY_WINDOW_MS=350` narrows the intervals.
  windowMs = Number(process.env.BENCH_TELEMETRY_WINDOW_MS ?? 1000),
): Promise<HttpOverhead> {
  // An odd count would leave the last round of process A in a block with the first of process B.
  if (rounds < 2 || rounds % 2 !== 0) throw new RangeError("rounds must be even: rounds pair into ABBA blocks");
  if (!(windowMs >= 100)) throw new RangeError("the window must be at least 100 ms");
  const loadBefore = loadavg()[0] as number;
  const enforcerDir = compileForBench(
    process.cwd(),
    join(process.cwd(), "node_modules", ".cache", "portcullis-bench-telemetry"),
  );
  const { key, headers, body } = benchCall();
  const jwks = await startJwksServer([key.jwk]);
  const collector = await startCollector();
  const env = { BENCH_JWKS_URI: jwks.url, BENCH_COLLECTOR_URL: collector.url, BENCH_ENFORCER_DIR: enforcerDir };
  // Two processes, averaged: one process's JIT and memory layout can differ from another's by a few %.
  const servers = [await startServer(env), await startServer(env)];
  const requests = [buildRequest("/mcp", headers, body)];
  const load = (port: number, connections: number, durationMs: number, warmupMs = 200) =>
    runLoad({ port, connections, warmupMs, durationMs, requests });
  const modes: Mode[] = ["bare", "off", "on", "loop"];
  for (const s of servers) {
    for (const mode of modes) {
      await s.mode(mode);
      await load(s.port, 4, 1500, 300); // JWKS, caches, JIT
    }
  }
  // One sample per (process, round, mode), kept per process in round order; rounds alternate the order of
  // the modes, so two consecutive rounds of one process form an ABBA block (see abbaOverheadPct).
  const samples = servers.map(() => ({ lat: byMode(), p50: byMode(), rps: byMode(), cpu: byMode(), proc: byMode() }));
  let onThread = "";
  for (let r = 0; r < rounds; r++) {
    for (const [i, server] of servers.entries()) {
      const s = samples[i] as (typeof samples)[number];
      for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
        await server.mode(mode);
        const one = await load(server.port, 1, windowMs);
        if (one.non2xx || one.socketErrors)
          throw new Error(`${mode}: ${one.non2xx} non-2xx, ${one.socketErrors} socket errors`);
        s.lat[mode].push(1_000_000 / one.rps); // closed loop, one connection: mean latency in µs
        s.p50[mode].push(one.p50Ms * 1000);
        await load(server.port, 8, 0, Math.min(200, windowMs / 2)); // reach saturation before the CPU reading
        const before = await server.cpu();
        const eight = await load(server.port, 8, windowMs, 0);
        const after = await server.cpu();
        if (mode === "on") onThread = after.thread;
        s.rps[mode].push(eight.rps);
        s.cpu[mode].push((after.main - before.main) / eight.requests);
        s.proc[mode].push((after.process - before.process) / eight.requests);
      }
    }
  }
  const sliceMs = Number(process.env.BENCH_TELEMETRY_SLICE_MS ?? 20);
  const count = Number(process.env.BENCH_TELEMETRY_SLICES ?? 800);
  const call: Parameters<typeof buildRequest> = ["/mcp", headers, body];
  const against = (mode: string, latency = false) =>
    slicedOverhead(servers, call, "off", mode, { sliceMs, count, connections: 8, latency });
  const on = await against("on", true);
  const calibration = await against("off+1us");
  const same = await against("off2");
  const parts = {} as HttpOverhead["sliced"]["parts"];
  for (const part of SINK_PARTS) parts[part] = await against(part);
  const sliced = { on, calibration, same, parts };
  for (const s of servers) s.stop();
  collector.stop();
  await jwks.close();
  const measure = (key: keyof (typeof samples)[number], digits = 1): ModeMeasure => {
    const all = (mode: Mode) => samples.flatMap((s) => s[key][mode]); // process A's rounds, then B's
    const round = (x: number) => Math.round(x * 10 ** digits) / 10 ** digits;
    return {
      bare: round(median(all("bare"))),
      off: round(median(all("off"))),
      on: round(median(all("on"))),
      loop: round(median(all("loop"))),
      overhead: abbaOverheadPct(all("on"), all("off")),
      loopOverhead: abbaOverheadPct(all("loop"), all("off")),
    };
  };
  return {
    rounds,
    windowMs,
    processes: servers.length,
    latency: measure("lat"),
    p50: measure("p50"),
    rps: measure("rps", 0),
    cpu: measure("cpu"),
    processCpu: measure("proc"),
    onThread,
    sliced,
    loadAverage: [loadBefore, loadavg()[0] as number],
  };
}

if (process.argv[1]?.endsWith("telemetry-enforcer-http.ts")) {
  console.dir(await benchEnforcerOverHttp(), { depth: 5 });
  process.exit(0);
}
