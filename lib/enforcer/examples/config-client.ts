// Managed by the control plane: signed config (long-poll, verified, cached on disk) and telemetry.
import { hostname } from "node:os";
import {
  createConfigClient,
  createEnforcer,
  createEnforcerMetrics,
  createTelemetryClient,
  fanOutSink,
} from "portcullis/enforcer";

const url = "https://portcullis.example.com";
const credential = process.env.PORTCULLIS_CREDENTIAL ?? ""; // shown once on the resource's Enforcers tab

const config = createConfigClient({
  url,
  credential,
  jwks: `${url}/.well-known/portcullis-jwks.json`, // or the JWKS object itself, pinned
  resourceId: "res_files", // required: the resource's id (its page in the dashboard); other resources' bundles are refused
  cacheFile: "/var/cache/portcullis/files.jws",
  heartbeat: { instanceId: hostname(), host: hostname(), moduleVersion: "1.0.0" },
  onReject: (rejection) => console.warn("config bundle refused:", rejection.code, rejection.message),
});
await config.start();

const telemetry = createTelemetryClient({ url, credential });
const metrics = createEnforcerMetrics({ telemetry });

// A getter: every request reads the current policy; until one is loaded the enforcer answers 503.
export const enforcer = createEnforcer({ policy: () => config.policy(), sink: fanOutSink(metrics, telemetry) });

process.on("SIGTERM", () => {
  config.stop();
  void telemetry.close();
});
