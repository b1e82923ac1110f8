/**
 * The HTTP server of the telemetry latency bench, run as a child process: one process serves all four
 * modes, switched between measurement rounds, so the comparison is free of process-to-process
 * differences (JIT decisions, memory layout, which CPU caches it got), which on these machines are as
 * large as the effect measured (±2-3 %).
 *   bare  no enforcer (the body is still read and parsed, as the MCP server would)
 *   off   the enforcer's Node adapter in front of a fixed JSON-RPC reply, no telemetry
 *   on    the same with metrics + the network client shipping to BENCH_COLLECTOR_URL, as it ships: on a
 *         host with more than one core the client builds, gzips and sends its batches in a worker thread
 *   loop  the same, with the client forced onto the event loop (`offload: "event-loop"`, the one-core path)
 * The enforcer runs as plain JavaScript from BENCH_ENFORCER_DIR (compile.ts: as it ships, and the worker
 * thread needs a .js file). Usage: `telemetry-enforcer-server.ts`; env BENCH_JWKS_URI (the policy is the
 * test policy: its issuer and audience), BENCH_COLLECTOR_URL, BENCH_ENFORCER_DIR. Prints
 * `LISTENING <port>`. Reads commands on stdin: `mode <bare|off|on|loop>` → `MODE <mode>` once switched
 * (leaving a telemetry mode, its client's queue is flushed first, so no round pays for the shipping of
 * another); `stats` → `STATS <process cpu µs> <main-thread cpu µs> <events sent> <dropped> <thread>`.
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
import { testPolicy } from "../../lib/enforcer/test-utils/policy";
import { mainThreadCpuUs } from "./thread-cpu";

const dir = process.env.BENCH_ENFORCER_DIR ?? "";
const load = <T>(file: string) => import(pathToFileURL(join(dir, "lib", "enforcer", file)).href) as Promise<T>;
const { createNodeHandler } = await load<typeof NodeHttp>("adapters/node-http.js");
const { createEnforcer } = await load<typeof Core>("enforcer.js");
const { createTelemetryClient, fanOutSink } = await load<typeof Client>("telemetry/client.js");
const { createEnforcerMetrics } = await load<typeof Metrics>("telemetry/metrics.js");

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}]}}';
const policy = testPolicy(process.env.BENCH_JWKS_URI ?? "");
const client = (offload: "auto" | "event-loop") =>
  createTelemetryClient({
    url: process.env.BENCH_COLLECTOR_URL ?? "",
    credential: "pcl_bench",
    instance: { id: `bench-${offload}` },
    offload,
  });
const clients = { on: client("auto"), loop: client("event-loop") };
const reply = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
  res.end(REPLY);
};
const adapter = (sink?: ReturnType<typeof fanOutSink>): Handler =>
  createNodeHandler(createEnforcer({ policy, sink }), reply, { baseUrl: "https://mcp.example.com" });
const handlers: Record<string, Handler> = {
  bare: (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      reply(req, res);
    });
  },
  off: adapter(),
  on: adapter(fanOutSink(createEnforcerMetrics({ telemetry: clients.on }), clients.on)),
  loop: adapter(fanOutSink(createEnforcerMetrics({ telemetry: clients.loop }), clients.loop)),
};
let mode = "off";
const server = createServer((req, res) => (handlers[mode] as Handler)(req, res));
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${(server.address() as AddressInfo).port}`));
createInterface({ input: process.stdin }).on("line", async (line) => {
  const [command, arg] = line.trim().split(" ");
  if (command === "mode" && arg && handlers[arg]) {
    if ((mode === "on" || mode === "loop") && arg !== mode) await clients[mode].flush();
    mode = arg;
    console.log(`MODE ${mode}`);
  } else if (command === "stats") {
    const cpu = process.cpuUsage();
    const main = mainThreadCpuUs() ?? Number.NaN;
    const s = clients.on.stats();
    console.log(
      `STATS ${cpu.user + cpu.system} ${main} ${s.sent + clients.loop.stats().sent} ${s.dropped} ${s.thread}`,
    );
  }
});
// A clean exit on SIGINT, so `--cpu-prof` (BENCH_SERVER_NODE_ARGS-style profiling) writes its profile.
process.on("SIGINT", () => process.exit(0));
