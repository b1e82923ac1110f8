/**
 * `npm run demo:live`: Portcullis protecting a real MCP server, with the dashboard filling up. Starts on 127.0.0.1
 * the control plane (its own SQLite file under data/demo-live/), the Entra-shaped test IdP, the sample MCP server
 * behind the enforcer managed by the control plane, a mail API reached on behalf of the user, and traffic from
 * several agents until Ctrl-C. A second run reuses the data; `--reset` starts clean.
 *
 *   npm run demo:live [-- --reset] [--port 3200] [--idp-port 4410] [--mcp-port 4411] [--downstream-port 4412]
 *                     [--data-dir data/demo-live] [--duration SEC]
 * With --duration the traffic stops after SEC seconds, every event is sent, and one line
 * `{"trafficDone":{…}}` gives the totals the Overview must show; the servers keep running until Ctrl-C.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    reset: { type: "boolean", default: false },
    port: { type: "string", default: "3200" },
    "idp-port": { type: "string", default: "4410" },
    "mcp-port": { type: "string", default: "4411" },
    "downstream-port": { type: "string", default: "4412" },
    "data-dir": { type: "string", default: "data/demo-live" },
    duration: { type: "string" },
  },
});
const port = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) {
    console.error(`demo:live: --${name} must be a port number (1-65535), got ${String(values[name])}`);
    process.exit(2);
  }
  return n;
};
const ports = {
  controlPlane: port("port"),
  idp: port("idp-port"),
  mcp: port("mcp-port"),
  downstream: port("downstream-port"),
};
const durationSec = values.duration === undefined ? undefined : Number(values.duration);
if (durationSec !== undefined && !(durationSec > 0)) {
  console.error("demo:live: --duration must be a positive number of seconds");
  process.exit(2);
}

// The loopback IdP (oidc-provider) warns about its development-only settings at import time: not the demo's news.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].includes("oidc-provider WARNING")) return;
  warn(...args);
};
const { startLiveDemo } = await import("./demo/live/run.js");

const log = (line: string) => console.log(`  ${line}`);
let stopping = false;
let demo: Awaited<ReturnType<typeof startLiveDemo>> | undefined;
/** The demo's stop, known from the start (a Ctrl-C while the control plane builds must stop it too). */
let stopDemo: (() => Promise<void>) | undefined;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping every process the demo started…");
  await stopDemo?.(); // the same function as demo.stop once the demo is up
  process.exit(code);
}
// `on`, not `once`: a second Ctrl-C (or tsx relaying the first) must not kill the demo before it has cleaned up.
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  demo = await startLiveDemo({
    reset: values.reset ?? false,
    dataDir: values["data-dir"] ?? "data/demo-live",
    ports,
    log,
    onStop: (stop) => {
      stopDemo = stop;
    },
  });
} catch (err) {
  console.error(`demo:live failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
console.log(`
  Portcullis live demo is running.
    Dashboard   ${demo.dashboardUrl}/   (Overview fills within a minute)
    Sign in     ${demo.signIn.email}  /  ${demo.signIn.password}
    Resource    ${demo.dashboardUrl}/resources/${demo.resourceId}
    MCP server  http://127.0.0.1:${ports.mcp}/mcp  (behind the enforcer; metadata at /.well-known/oauth-protected-resource/mcp)
  Ctrl-C stops everything. Data stays in ${values["data-dir"]} (npm run demo:live -- --reset starts clean).
`);
if (durationSec !== undefined) {
  setTimeout(async () => {
    await demo?.settle();
    console.log(JSON.stringify({ trafficDone: demo?.traffic.totals() }));
  }, durationSec * 1000);
}
