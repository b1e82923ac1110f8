/**
 * `npm run demo:live`, assembled: the Entra-shaped test IdP, the mail API (OBO downstream), the sample MCP server,
 * the control plane on the demo's own SQLite file (seeded through its server code), the enforcer managed by it
 * (signed config bundles, telemetry, heartbeats) and the traffic. `stop()` ends everything it started.
 */
import { startTestIdp } from "../../../e2e/idp/test-idp.js";
import { DEFAULT_ENTRA_TENANT } from "../../../e2e/idp/token-shapes.js";
import {
  createEnforcer,
  createMemoryRateLimiter,
  createOboClient,
  oboCredentialsFromPolicy,
} from "../../../lib/enforcer/index.js";
import { connectControlPlane } from "../control-plane.js";
import { bin, runTool, startControlPlane } from "./control-plane-process.js";
import { startDownstream } from "./downstream.js";
import { startSampleServer } from "./sample-server.js";
import { DEMO_DOWNSTREAM, DEMO_DOWNSTREAM_AUDIENCE, DEMO_OBO_SECRET_ENV, type SeedInput } from "./seed-data.js";
import { DEMO_ADMIN_EMAIL, loadState, saveState } from "./state.js";
import { startTraffic, type Traffic } from "./traffic.js";

export interface LiveDemoOptions {
  reset: boolean;
  dataDir: string;
  /** Control plane, test IdP, sample MCP server, mail API. */
  ports: { controlPlane: number; idp: number; mcp: number; downstream: number };
  log: (line: string) => void;
  /** Passed to the control plane (e.g. NEXT_DIST_DIR to reuse another build folder). */
  env?: NodeJS.ProcessEnv;
  /** Gets the demo's `stop` at once, before the demo has started: a Ctrl-C during the start stops what is up. */
  onStop?: (stop: () => Promise<void>) => void;
}

export interface LiveDemo {
  dashboardUrl: string;
  signIn: { email: string; password: string };
  resourceId: string;
  traffic: Traffic;
  /** Stops the traffic and sends every telemetry event still queued (the control plane keeps running). */
  settle: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function startLiveDemo(o: LiveDemoOptions): Promise<LiveDemo> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  o.onStop?.(stop);
  try {
    const state = loadState(o.dataDir, o.reset);
    o.log(`${state.fresh ? "new" : "reusing"} demo data in ${state.dir}`);
    // 5-minute tokens: the IdP rotates its key every 5 minutes and keeps the previous key published until the next
    // rotation, so no token outlives the key that signed it.
    const idp = await startTestIdp({
      shape: "entra",
      port: o.ports.idp,
      tenantId: DEFAULT_ENTRA_TENANT,
      accessTokenTtlSec: 300,
    });
    cleanups.push(() => idp.close());
    const mail = await startDownstream({
      port: o.ports.downstream,
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
      audience: DEMO_DOWNSTREAM_AUDIENCE,
    });
    cleanups.push(() => mail.close());

    // The OBO client's secret lives on the MCP server's host, named by the published policy (never in a bundle).
    process.env[DEMO_OBO_SECRET_ENV] ??= "portcullis-obo-secret";
    let sendMail: (token: string, to: string, subject: string) => Promise<string> = async () => "not ready";
    const server = await startSampleServer(o.ports.mcp, (token, to, subject) => sendMail(token, to, subject));
    cleanups.push(() => server.close());
    const resourceUri = server.url("/mcp");

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...o.env,
      ...state.secrets,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: state.databaseUrl,
      ADMIN_EMAIL: DEMO_ADMIN_EMAIL,
      ADMIN_PASSWORD: state.adminPassword,
      NEXTAUTH_URL: `http://127.0.0.1:${o.ports.controlPlane}`,
      // IdP Test connection and the IdP kit's checks reach the loopback IdP; alerts evaluated every 10 s.
      ALLOW_PRIVATE_NETWORK_FETCH: "true",
      ALERT_EVAL_INTERVAL_MS: "10000",
      LOG_LEVEL: "warn",
    };
    runTool([bin("prisma"), "migrate", "deploy"], env, "migrating the demo database");
    const seedInput: SeedInput = {
      tenantId: DEFAULT_ENTRA_TENANT,
      issuer: idp.issuer,
      discoveryUrl: idp.discoveryUrl,
      jwksUri: idp.jwksUri,
      tokenEndpoint: idp.tokenEndpoint,
      audience: idp.audience,
      resourceUri,
      ...(state.credential ? { credential: state.credential } : {}),
    };
    const out = runTool(
      [bin("tsx"), "--conditions=react-server", "scripts/demo/live/seed.ts"],
      { ...env, DEMO_SEED: JSON.stringify(seedInput) },
      "seeding the demo",
    );
    const seeded = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
      resourceId: string;
      version: number;
      credential: string;
    };
    state.credential = seeded.credential;
    saveState(state);
    o.log(`seeded: resource ${seeded.resourceId}, published config version ${seeded.version}`);

    o.log("starting the control plane (the first run builds it: a few minutes)");
    // Its stop is registered as soon as it is spawned: it runs detached, so nothing else would stop it.
    const cp = await startControlPlane({
      port: o.ports.controlPlane,
      env,
      log: o.log,
      onSpawn: (stopControlPlane) => cleanups.push(stopControlPlane),
    });

    const link = await connectControlPlane(
      { url: cp.url, credential: seeded.credential, resourceId: seeded.resourceId },
      o.log,
    );
    cleanups.push(link.close);
    const obo = createOboClient({
      // Policy mode: token endpoints off the IdP's origins are refused (the bundle's author is not trusted with them).
      policy: () => link.policy(),
      credentials: (d) => oboCredentialsFromPolicy(d),
      sink: link.telemetry,
    });
    sendMail = async (token, to, subject) => {
      const { accessToken } = await obo.exchange(token, DEMO_DOWNSTREAM);
      const res = await fetch(`${mail.url}/send`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ to, subject }),
      });
      return `mail API answered ${res.status}: ${await res.text()}`;
    };
    // Rate limits per client and user (in memory: one instance). No client address: every agent here shares
    // 127.0.0.1, and the failed-authentication lockout (per address) would soon lock the well-behaved agents out
    // with the bad ones. A 15 s JWKS TTL (default 300 s) shows scheduled refreshes between
    // the forced ones (each refresh, forced or not, starts the TTL again).
    const enforcer = createEnforcer({
      policy: () => link.policy(),
      sink: link.telemetry,
      rateLimiter: createMemoryRateLimiter(),
      validatorOverrides: { jwksCacheTtlSec: 15 },
    });
    server.protect(enforcer);

    const traffic = startTraffic({ resourceUri, idp, audience: idp.audience, log: o.log });
    cleanups.push(() => traffic.stop());
    return {
      dashboardUrl: cp.url,
      signIn: { email: DEMO_ADMIN_EMAIL, password: state.adminPassword },
      resourceId: seeded.resourceId,
      traffic,
      async settle() {
        await traffic.stop();
        await link.telemetry.flush();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
