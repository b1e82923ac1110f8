/**
 * The HTTP server of the telemetry latency bench, run as a child process: one process serves all three
 * modes, switched between measurement rounds, so the comparison is free of process-to-process
 * differences (JIT decisions, memory layout, which CPU caches it got), which on these machines are as
 * large as the effect measured (±2-3 %).
 *   bare  no enforcer (the body is still read and parsed, as the MCP server would)
 *   off   the enforcer's Node adapter in front of a fixed JSON-RPC reply, no telemetry
 *   on    the same with metrics + the network client shipping to BENCH_COLLECTOR_URL
 * Usage: `telemetry-enforcer-server.ts`; env BENCH_JWKS_URI (the policy is the test policy: its issuer
 * and audience), BENCH_COLLECTOR_URL. Prints `LISTENING <port>`. Reads commands on stdin:
 * `mode <bare|off|on>` → `MODE <mode>` once switched (leaving "on", the client's queue is flushed first,
 * so no round pays for the shipping of another); `stats` → `STATS <cpu µs> <events sent> <dropped>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { createNodeHandler } from "../../lib/enforcer/adapters/node-http";
import { createEnforcer } from "../../lib/enforcer/enforcer";
import { createTelemetryClient, fanOutSink } from "../../lib/enforcer/telemetry/client";
import { createEnforcerMetrics } from "../../lib/enforcer/telemetry/metrics";
import { testPolicy } from "../../lib/enforcer/test-utils/policy";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}]}}';
const policy = testPolicy(process.env.BENCH_JWKS_URI ?? "");
const telemetry = createTelemetryClient({
  url: process.env.BENCH_COLLECTOR_URL ?? "",
  credential: "pcl_bench",
  instance: { id: "bench" },
});
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
  on: adapter(fanOutSink(createEnforcerMetrics({ telemetry }), telemetry)),
};
let mode = "off";
const server = createServer((req, res) => (handlers[mode] as Handler)(req, res));
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${(server.address() as AddressInfo).port}`));
createInterface({ input: process.stdin }).on("line", async (line) => {
  const [command, arg] = line.trim().split(" ");
  if (command === "mode" && arg && handlers[arg]) {
    if (mode === "on" && arg !== "on") await telemetry.flush();
    mode = arg;
    console.log(`MODE ${mode}`);
  } else if (command === "stats") {
    const cpu = process.cpuUsage();
    const s = telemetry.stats();
    console.log(`STATS ${cpu.user + cpu.system} ${s.sent} ${s.dropped}`);
  }
});
