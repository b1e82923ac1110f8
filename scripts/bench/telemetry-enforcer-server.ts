/**
 * One HTTP server of the telemetry latency bench, run as a child process: the enforcer's Node
 * adapter in front of a fixed JSON-RPC reply, with telemetry off or on (metrics + network client
 * shipping to BENCH_COLLECTOR_URL). Usage: `telemetry-enforcer-server.ts off|on`; env BENCH_JWKS_URI,
 * BENCH_ISSUER, BENCH_AUDIENCE. Prints `LISTENING <port>`; on SIGUSR2 prints `STATS <cpu µs> <sent> <dropped>`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeHandler } from "../../lib/enforcer/adapters/node-http";
import { createEnforcer } from "../../lib/enforcer/enforcer";
import { createEnforcerMetrics } from "../../lib/enforcer/metrics";
import { createTelemetryClient, fanOutSink } from "../../lib/enforcer/telemetry-client";
import { testPolicy } from "../../lib/enforcer/test-utils/policy";

const mode = process.argv[2] === "on" ? "on" : "off";
const REPLY = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}]}}';
const telemetry =
  mode === "on"
    ? createTelemetryClient({
        url: process.env.BENCH_COLLECTOR_URL ?? "",
        credential: "pcl_bench",
        instance: { id: "bench" },
      })
    : undefined;
const sink = telemetry ? fanOutSink(createEnforcerMetrics({ telemetry }), telemetry) : undefined;
const enforcer = createEnforcer({ policy: testPolicy(process.env.BENCH_JWKS_URI ?? ""), sink });
const handler = createNodeHandler(
  enforcer,
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
    res.end(REPLY);
  },
  { baseUrl: "https://mcp.example.com" },
);
const server = createServer(handler);
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${(server.address() as AddressInfo).port}`));
process.on("SIGUSR2", () => {
  const cpu = process.cpuUsage();
  const s = telemetry?.stats();
  console.log(`STATS ${cpu.user + cpu.system} ${s?.sent ?? 0} ${s?.dropped ?? 0}`);
});
