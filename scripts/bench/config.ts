/**
 * `npm run bench:config`: publish-to-applied latency of the config distribution path.
 *
 * Starts a real control plane (production build, SQLite by default; BENCH_DATABASE_URL for
 * PostgreSQL), or uses a running one (`--url http://… --email … --password …`), creates a resource
 * and 20 enforcer credentials through the admin REST API, starts 20 config clients (the real
 * lib/enforcer client: long-poll, ES256 verification, schema check, atomic swap, cache file), then
 * publishes N times. Latency per client and publish = applied (client clock) − bundle.publishedAt
 * (server clock; same machine). Bounded: --timeout seconds overall (default 600, build included).
 *
 * Flags: --clients 20 --rounds 20 --port 3190 --timeout 600 [--url … --email … --password …]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { JSONWebKeySet } from "jose";
import { type ConfigClient, createConfigClient } from "../../lib/enforcer/config/client.js";
import { adminApi, type ControlPlane, signIn, startControlPlane } from "./config-control-plane.js";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "20" },
    rounds: { type: "string", default: "20" },
    port: { type: "string", default: "3190" },
    timeout: { type: "string", default: "600" },
    url: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
  },
});
const CLIENTS = Number(args.clients);
const ROUNDS = Number(args.rounds);
const deadline = Date.now() + Number(args.timeout) * 1000;
const unique = Date.now().toString(36);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Math.min(Date.now() + ms, deadline);
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

let plane: ControlPlane | undefined;
const clients: ConfigClient[] = [];
const timer = setTimeout(() => {
  console.error("bench:config: overall timeout reached");
  for (const c of clients) c.stop();
  plane?.stop();
  process.exit(2);
}, deadline - Date.now());
timer.unref();

try {
  if (args.url) plane = { url: args.url.replace(/\/$/, ""), stop: () => {} };
  else {
    console.log("bench:config: starting a control plane (builds on the first run)…");
    plane = await startControlPlane(Number(args.port), deadline);
  }
  const api = adminApi(plane.url, await signIn(plane.url, args.email, args.password));
  const { idpProfile } = await api<{ idpProfile: { id: string } }>("POST", "/api/v1/idp-profiles", {
    name: `bench-idp-${unique}`,
    kind: "oidc",
    issuer: "https://idp.bench.example.com",
    jwksUri: "https://idp.bench.example.com/jwks",
  });
  const { resource } = await api<{ resource: { id: string } }>("POST", "/api/v1/resources", {
    name: `bench-${unique}`,
    uri: `https://bench-${unique}.example.com/mcp`,
    idpProfileId: idpProfile.id,
    audiences: ["api://bench"],
  });
  await api("POST", `/api/v1/resources/${resource.id}/publish`, { note: "initial" });
  const jwks = (await (await fetch(`${plane.url}/.well-known/portcullis-jwks.json`)).json()) as JSONWebKeySet;
  const dir = mkdtempSync(join(tmpdir(), "pcl-bench-config-"));
  const latencies: number[] = [];
  const roundMax: number[] = [];
  let round: Map<number, number> | undefined;
  for (let i = 0; i < CLIENTS; i++) {
    const { secret } = await api<{ secret: string }>("POST", `/api/v1/resources/${resource.id}/credentials`, {
      name: `bench-client-${i}`,
    });
    const client = createConfigClient({
      url: plane.url,
      credential: secret,
      jwks,
      resourceId: resource.id,
      cacheFile: join(dir, `client-${i}.jws`),
      onUpdate: (bundle) => round?.set(i, Date.now() - Date.parse(bundle.publishedAt)),
      onReject: (r) => console.error(`client ${i} rejected a bundle: ${r.code} ${r.message}`),
    });
    clients.push(client);
  }
  await Promise.all(clients.map((c) => c.start()));
  console.log(`bench:config: ${CLIENTS} clients on version ${clients[0]?.current()?.version}; ${ROUNDS} publishes`);
  for (let r = 0; r < ROUNDS; r++) {
    // Let every client park its long-poll again before the next publish.
    await new Promise((res) => setTimeout(res, 300));
    round = new Map();
    const { version } = await api<{ version: { version: number } }>(
      "POST",
      `/api/v1/resources/${resource.id}/publish`,
      { note: `bench round ${r}` },
    );
    const current = round;
    await until(() => current.size === CLIENTS, 10_000, `round ${r}`);
    if (!clients.every((c) => c.current()?.version === version.version)) throw new Error(`round ${r}: wrong version`);
    const values = [...round.values()];
    latencies.push(...values);
    roundMax.push(Math.max(...values));
  }
  const all = [...latencies].sort((a, b) => a - b);
  const worst = [...roundMax].sort((a, b) => a - b);
  const summary = {
    clients: CLIENTS,
    publishes: ROUNDS,
    samples: all.length,
    perClientMs: { median: percentile(all, 50), p95: percentile(all, 95), max: all.at(-1) },
    allClientsAppliedMs: { median: percentile(worst, 50), p95: percentile(worst, 95), max: worst.at(-1) },
  };
  console.log(
    `publish → applied, ${CLIENTS} clients × ${ROUNDS} publishes: median ${summary.perClientMs.median} ms, p95 ${summary.perClientMs.p95} ms, max ${summary.perClientMs.max} ms; whole fleet applied: median ${summary.allClientsAppliedMs.median} ms, p95 ${summary.allClientsAppliedMs.p95} ms`,
  );
  console.log(JSON.stringify(summary));
} finally {
  for (const c of clients) c.stop();
  plane?.stop();
}
