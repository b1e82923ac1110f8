/**
 * `npm run demo`: the enforcer end to end on loopback, in a few seconds. Starts an Entra-shaped test
 * IdP, the official MCP SDK v2 server (`@modelcontextprotocol/server` 2.4; the 1.x server with
 * `runDemo({ serverSdk: 1 })`) behind the enforcer's Node http adapter, then drives it with the SDK 1.32
 * client (allowed and refused calls, expired and wrong-audience tokens, a headless agent's discovery) and prints what the enforcer answered.
 *
 * Set PORTCULLIS_URL, PORTCULLIS_CREDENTIAL and PORTCULLIS_RESOURCE_ID to take the policy from a running control plane and
 * send telemetry to it (PORTCULLIS_DEMO_IDP_PORT, default 4400: the test IdP's port, which the
 * published policy's issuer and JWKS URI must name).
 */
import { controlPlaneFromEnv } from "./demo/control-plane.js";
import { formatReport } from "./demo/report.js";

const TIMEOUT_MS = 60_000;

const timer = setTimeout(() => {
  console.error(`demo: no result after ${TIMEOUT_MS / 1000} s, giving up`);
  process.exit(1);
}, TIMEOUT_MS);
timer.unref();

// oidc-provider (the loopback test IdP) warns about its development-only settings and Node 20 at
// import time; they concern the test harness, not the enforcer, so they are kept out of the report.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].includes("oidc-provider WARNING")) return;
  warn(...args);
};
const { runDemo } = await import("./demo/run.js");

const controlPlane = controlPlaneFromEnv();
try {
  const result = await runDemo({
    controlPlane,
    idpPort: Number(process.env.PORTCULLIS_DEMO_IDP_PORT ?? 4400),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(formatReport(result));
  // Standalone, a scenario answered differently means the enforcer is broken: fail loudly. Managed, the
  // published policy decides, so differences are shown but are not an error.
  const failed = result.outcomes.some((o) => !o.ok);
  process.exit(failed && !controlPlane ? 1 : 0);
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
