/**
 * One HTTP server of the telemetry latency bench, run as a child process: the enforcer's Node
 * adapter in front of a fixed JSON-RPC reply, with telemetry off or on (metrics + network client
 * shipping to BENCH_COLLECTOR_URL), or no enforcer at all. Usage: `telemetry-enforcer-server.ts off|on|bare`;
 * env BENCH_JWKS_URI (the policy is the test policy: its issuer and audience). Prints `LISTENING <port>`; on SIGUSR2 prints `STATS <cpu µs> <sent> <dropped>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeHandler } from "../../lib/enforcer/adapters/node-http";
import { createEnforcer } from "../../lib/enforcer/enforcer";
import { createEnforcerMetrics } from "../../lib/enforcer/metrics";
import { createTelemetryClient, fanOutSink } from "../../lib/enforcer/telemetry-client";
import { testPolicy } from "../../lib/enforcer/test-utils/policy";

const mode = process.argv[2] === "on" ? "on" : process.argv[2] === "bare" ? "bare" : "off";
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
const reply = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(REPLY) });
  res.end(REPLY);
};
// "bare": no enforcer at all (the body is still read and parsed, as the MCP server would), so the
// enforcer's own added latency is (off − bare) and telemetry's share of it is (on − off).
const handler =
  mode === "bare"
    ? (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          JSON.parse(Buffer.concat(chunks).toString("utf8"));
          reply(req, res);
        });
      }
    : createNodeHandler(enforcer, reply, { baseUrl: "https://mcp.example.com" });
const server = createServer(handler);
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${(server.address() as AddressInfo).port}`));
process.on("SIGUSR2", () => {
  const cpu = process.cpuUsage();
  const s = telemetry?.stats();
  console.log(`STATS ${cpu.user + cpu.system} ${s?.sent ?? 0} ${s?.dropped ?? 0}`);
});
