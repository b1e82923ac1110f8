/**
 * The HTTP server of the telemetry latency bench, run as a child process: one process serves every mode,
 * switched between measurement rounds or slices, so the comparison is free of process-to-process
 * differences (JIT decisions, memory layout, which CPU caches it got), which on these machines are as
 * large as the effect measured (±2-3 %).
 *   bare     no enforcer (the body is still read and parsed, as the MCP server would)
 *   off      the enforcer's Node adapter in front of a fixed JSON-RPC reply, no telemetry
 *   off2     a second, identical `off` (the A/A check of the sliced measure)
 *   off+1us  `off` plus 1 µs of busy work per request (the calibration: a known cost)
 *   on       `off` with metrics + the network client shipping to BENCH_COLLECTOR_URL, as it ships: on a
 *            host with more than one core the client builds, gzips and sends its batches in a worker thread
 *   loop     the same, with the client forced onto the event loop (`offload: "event-loop"`, the one-core path)
 *   seam, metrics, copy, client   the parts of `on` alone (see `handlers`; copy: the client's copy into its
 *            columns with nothing sent)
 * The enforcer runs as plain JavaScript from BENCH_ENFORCER_DIR (compile.ts: as it ships, and the worker
 * thread needs a .js file). Usage: `telemetry-enforcer-server.ts`; env BENCH_JWKS_URI (the policy is the
 * test policy: its issuer and audience), BENCH_COLLECTOR_URL, BENCH_ENFORCER_DIR, and BENCH_BASELINE_DIR for a
 * second build whose modes are named `base:off`, `base:on`, … (telemetry-ab.ts). Prints
 * `LISTENING <port>`. Reads commands on stdin: `mode <mode>` → `MODE <mode>` once switched (leaving a
 * telemetry mode, its client's queue is flushed first, so no round pays for the shipping of another);
 * `slices <a> <b> <ms> <count>` → `SLICES <json rows>` (see `runSlices`; `[]` for an unknown mode);
 * `stats` → `STATS <process cpu µs> <main-thread cpu µs> <events sent> <dropped> <thread>`.
 * Every response carries `x-bench-slice` (the slice it was served in, -1 outside slices).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type * as NodeHttp from "../../lib/enforcer/adapters/node-http";
import type * as Core from "../../lib/enforcer/enforcer";
import type * as Client from "../../lib/enforcer/telemetry/client";
import type * as Metrics from "../../lib/enforcer/telemetry/metrics";
import type * as Segment from "../../lib/enforcer/telemetry/segment";
import { testPolicy } from "../../lib/enforcer/test-utils/policy";
import { copyOnlySink } from "./telemetry-copy-sink";
import { mainThreadCpuUs } from "./thread-cpu";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type TelemetryClient = ReturnType<typeof Client.createTelemetryClient>;
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}]}}';
const policy = testPolicy(process.env.BENCH_JWKS_URI ?? "");
/** The slice a response was served in (see `slices`), so the load generator can sort latencies by mode. */
let slice = -1;
const reply = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(REPLY),
    "x-bench-slice": slice,
  });
  res.end(REPLY);
};
/** A known cost, to check that the sliced measure sees what it should: about 1 µs of busy work per request. */
const spin = (us: number) => {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
};

/**
 * The modes of one build of the enforcer (compiled to `dir`), their names prefixed with `prefix`, and the
 * telemetry client each telemetry mode ships through (flushed when the server leaves that mode).
 */
async function modesOf(
  dir: string,
  prefix: string,
): Promise<{ handlers: Record<string, Handler>; clientOf: Record<string, TelemetryClient> }> {
  const load = <T>(file: string) => import(pathToFileURL(join(dir, "lib", "enforcer", file)).href) as Promise<T>;
  const { createNodeHandler } = await load<typeof NodeHttp>("adapters/node-http.js");
  const { createEnforcer } = await load<typeof Core>("enforcer.js");
  const { createTelemetryClient, fanOutSink } = await load<typeof Client>("telemetry/client.js");
  const { createEnforcerMetrics } = await load<typeof Metrics>("telemetry/metrics.js");
  const { TelemetrySegment } = await load<typeof Segment>("telemetry/segment.js");
  const client = (offload: "auto" | "event-loop") =>
    createTelemetryClient({
      url: process.env.BENCH_COLLECTOR_URL ?? "",
      credential: "pcl_bench",
      instance: { id: `bench-${prefix}${offload}` },
      offload,
    });
  const on = client("auto");
  const loop = client("event-loop");
  const adapter = (sink?: ReturnType<typeof fanOutSink>): Handler =>
    createNodeHandler(createEnforcer({ policy, sink }), reply, { baseUrl: "https://mcp.example.com" });
  const modes: Record<string, Handler> = {
    off: adapter(),
    // A second, identical `off`: the sliced measure's A/A check (it must find nothing).
    off2: adapter(),
    // `off` plus 1 µs of event-loop work per request: the calibration of the sliced measure.
    "off+1us": (() => {
      const off = adapter();
      return (req: IncomingMessage, res: ServerResponse) => {
        spin(1);
        off(req, res);
      };
    })(),
    on: adapter(fanOutSink(createEnforcerMetrics({ telemetry: on }), on)),
    // Parts of `on`, to see where its cost goes: the sink seam alone (the decision record, with the sampled
    // timing the shipped sinks declare, handed to a sink that does nothing with it), the metrics alone, the
    // network client alone.
    seam: adapter({ emit: () => {}, decision: () => {}, decisionTiming: "sampled" }),
    metrics: adapter(createEnforcerMetrics()),
    // The client's copy into its rows alone: no worker, no batches, nothing sent (telemetry-copy-sink.ts).
    copy: adapter(copyOnlySink(TelemetrySegment)),
    client: adapter(on),
    loop: adapter(fanOutSink(createEnforcerMetrics({ telemetry: loop }), loop)),
  };
  return {
    handlers: Object.fromEntries(Object.entries(modes).map(([name, h]) => [prefix + name, h])),
    clientOf: { [`${prefix}on`]: on, [`${prefix}client`]: on, [`${prefix}loop`]: loop },
  };
}

// A second build (telemetry-ab.ts: the enforcer at another commit), its modes named `base:on`, `base:off`, …;
// BENCH_BASELINE_FIRST loads it first (telemetry-ab.ts alternates the order over its processes).
const dirs: [string, string][] = [[process.env.BENCH_ENFORCER_DIR ?? "", ""]];
if (process.env.BENCH_BASELINE_DIR) dirs.push([process.env.BENCH_BASELINE_DIR, "base:"]);
if (process.env.BENCH_BASELINE_FIRST) dirs.reverse();
const builds: Awaited<ReturnType<typeof modesOf>>[] = [];
for (const [dir, prefix] of dirs) builds.push(await modesOf(dir, prefix));
const handlers: Record<string, Handler> = {
  bare: (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      reply(req, res);
    });
  },
  ...Object.assign({}, ...builds.map((b) => b.handlers)),
};
const clientOf: Record<string, TelemetryClient> = Object.assign({}, ...builds.map((b) => b.clientOf));
const clients = [...new Set(Object.values(clientOf))];
let mode = "off";
let served = 0;
const server = createServer((req, res) => {
  served++;
  (handlers[mode] as Handler)(req, res);
});

/**
 * Alternates two modes every `sliceMs` for `count` slices in ABBA order (a b b a a b …) under whatever
 * load is running, and reads the main thread's and the process's CPU time and the requests served at
 * every switch: slices a fiftieth of a second apart (20 ms by default) see the same machine, where rounds
 * seconds apart do not.
 */
async function runSlices(a: string, b: string, sliceMs: number, count: number): Promise<unknown[]> {
  const rows: unknown[] = [];
  let last = { main: mainThreadCpuUs() ?? Number.NaN, process: processCpuUs(), served, at: performance.now() };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    mode = (i & 3) === 0 || (i & 3) === 3 ? a : b;
    slice = i;
    // A timer per slice, aimed at the slice's planned end so late timers do not accumulate.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i + 1) * sliceMs - performance.now())));
    const now = { main: mainThreadCpuUs() ?? Number.NaN, process: processCpuUs(), served, at: performance.now() };
    rows.push({
      mode,
      requests: now.served - last.served,
      mainUs: now.main - last.main,
      processUs: now.process - last.process,
      ms: now.at - last.at,
    });
    last = now;
  }
  slice = -1;
  return rows;
}

function processCpuUs(): number {
  const cpu = process.cpuUsage();
  return cpu.user + cpu.system;
}
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${(server.address() as AddressInfo).port}`));
createInterface({ input: process.stdin }).on("line", async (line) => {
  const [command, arg] = line.trim().split(" ");
  if (command === "mode" && arg && handlers[arg]) {
    const leaving = clientOf[mode];
    if (leaving && arg !== mode) await leaving.flush();
    mode = arg;
    console.log(`MODE ${mode}`);
  } else if (command === "slices") {
    const [, a, b, sliceMs, count] = line.trim().split(" ");
    if (!a || !b || !handlers[a] || !handlers[b]) {
      console.log("SLICES []");
      return;
    }
    const rows = await runSlices(a, b, Number(sliceMs), Number(count));
    for (const c of clients) await c.flush();
    console.log(`SLICES ${JSON.stringify(rows)}`);
  } else if (command === "stats") {
    const cpu = process.cpuUsage();
    const main = mainThreadCpuUs() ?? Number.NaN;
    const s = (clientOf.on as TelemetryClient).stats();
    const sent = clients.reduce((sum, c) => sum + c.stats().sent, 0);
    const dropped = clients.reduce((sum, c) => sum + c.stats().dropped, 0);
    console.log(`STATS ${cpu.user + cpu.system} ${main} ${sent} ${dropped} ${s.thread}`);
  }
});
// A clean exit when stopped (SIGTERM from telemetry-enforcer-http.ts, SIGINT from a terminal), so `--cpu-prof`
// in BENCH_SERVER_NODE_ARGS (server-process.ts) writes its profile.
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
