/**
 * Optional: the demo managed by a running control plane. With PORTCULLIS_URL, PORTCULLIS_CREDENTIAL and
 * PORTCULLIS_RESOURCE_ID the enforcer takes its policy from the signed config bundle (createConfigClient) and ships its
 * decisions to the control plane (createTelemetryClient), exactly as an embedding MCP server would.
 */
import { hostname } from "node:os";
import {
  type ConfigClient,
  createConfigClient,
  createTelemetryClient,
  type EnforcerPolicy,
  type TelemetryClient,
} from "../../lib/enforcer/index.js";

export interface ControlPlaneSettings {
  url: string;
  credential: string;
  /** The resource's id in the dashboard: the config client refuses bundles of any other resource. */
  resourceId: string;
}

/** The settings from the environment, or undefined to stay standalone. */
export function controlPlaneFromEnv(
  env: Record<string, string | undefined> = process.env,
): ControlPlaneSettings | undefined {
  const url = env.PORTCULLIS_URL?.trim();
  const credential = env.PORTCULLIS_CREDENTIAL?.trim();
  if (!url || !credential) return undefined;
  const resourceId = env.PORTCULLIS_RESOURCE_ID?.trim();
  if (!resourceId)
    throw new Error("PORTCULLIS_RESOURCE_ID is required with PORTCULLIS_URL: the id shown on the resource's page");
  return { url, credential, resourceId };
}

export interface ControlPlaneLink {
  policy: () => EnforcerPolicy | undefined;
  telemetry: TelemetryClient;
  close: () => Promise<void>;
}

/** Starts the config client, waits for the first bundle and starts the telemetry client. */
export async function connectControlPlane(
  settings: ControlPlaneSettings,
  log: (line: string) => void,
): Promise<ControlPlaneLink> {
  const base = settings.url.replace(/\/+$/, "");
  const config: ConfigClient = createConfigClient({
    url: base,
    credential: settings.credential,
    jwks: `${base}/.well-known/portcullis-jwks.json`,
    resourceId: settings.resourceId,
    heartbeat: { instanceId: `demo-${process.pid}`, host: hostname(), moduleVersion: "demo" },
    onReject: (rejection) => log(`config bundle refused: ${rejection.code}: ${rejection.message}`),
    waitSec: 5,
  });
  await config.start();
  const bundle = config.current();
  if (!bundle) {
    config.stop();
    throw new Error(
      `no config from ${base}: ${config.lastError() ?? "nothing published yet"} (publish the resource's policy first)`,
    );
  }
  log(`config version ${bundle.version} of resource ${bundle.resourceId}, published by ${bundle.publishedBy}`);
  const telemetry = createTelemetryClient({
    url: base,
    credential: settings.credential,
    instance: { id: `demo-${process.pid}`, moduleVersion: "demo" },
    onError: (err) => log(`telemetry: ${err.message}`),
  });
  return {
    policy: () => config.policy(),
    telemetry,
    async close() {
      config.stop();
      await telemetry.close(3000);
    },
  };
}
