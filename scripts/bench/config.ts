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
 * Issue 17: `--clients 20,200,1000` sweeps fleet sizes against one control plane and prints the growth
 * ratio p95(N)/p95(first) beside the absolutes; `--backend postgres --replicas 2` runs two control-plane
 * processes sharing a fresh PostgreSQL database (`portcullis_bench_config`), clients spread across them
 * (client i on replica i mod 2; publishes go to replica 0, so replica 1's waiters are woken by LISTEN/NOTIFY).
 * The control planes run in their own processes, and so do the clients: one fleet process per core by default
 * (config-fleet.ts, config-fleet-process.ts; `--client-processes N`), the enforcer compiled as it ships. A real fleet checks its bundles on
 * as many hosts as it has enforcers; simulated on one core, every enforcer's ES256 checks, schema check and
 * cache file wait behind all the others' (0.6-0.7 ms each here), and that queue, not the control plane, set
 * the p95 at 200 and more (`--client-processes 1` measures it that way).
 *
 * Each fleet size first gets --warmup publishes (default 3) that are not measured: a fleet just started in one
 * process is slower for its first few publishes (per-round p95 at 200 clients fell from ≈185 ms in the first round
 * to ≈130 ms by the fourth), and a real fleet is long-running, so the steady state is what is measured.
 * Flags: --clients 20[,200,…] --rounds 10 --warmup 3 --port 3190 --timeout 900 --backend sqlite|postgres --replicas 1|2
 *        --client-processes N (default: the number of cores)
 *        --heartbeats (each simulated enforcer sends heartbeats as a managed one does: at start and after each apply)
 *        --heartbeat-after-apply-ms N (the clients' afterApplyMaxDelayMs; 0: the report goes at once, as before)
 *        --cache-dir DIR (the clients' cache files; default /dev/shm when writable, see cacheRoot)
 *        [--url … --email … --password …]
 */
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { JSONWebKeySet } from "jose";
import { createPostgresDatabase } from "./bench-db.js";
import { compileForBench } from "./compile.js";
import { adminApi, type ControlPlane, signIn, startControlPlane } from "./config-control-plane.js";
import { type Fleet, type FleetClientSpec, startFleet } from "./config-fleet.js";
import { medianOf, percentile, printSweep, type SizeResult } from "./config-report.js";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "20" },
    rounds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    port: { type: "string", default: "3190" },
    timeout: { type: "string", default: "900" },
    backend: { type: "string", default: "sqlite" },
    replicas: { type: "string", default: "1" },
    "cache-dir": { type: "string" },
    "client-processes": { type: "string", default: String(availableParallelism()) },
    heartbeats: { type: "boolean", default: false },
    "heartbeat-after-apply-ms": { type: "string" },
    url: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
  },
});
// The clients run the enforcer compiled as it ships (compile.ts), not through tsx, whose transform wraps every
// closure in a `__name()` call and would charge that to the client's per-publish work.
const compiled = compileForBench(
  process.cwd(),
  join(process.cwd(), "node_modules", ".cache", "portcullis-bench-config"),
);
const CLIENT_PROCESSES = Number(args["client-processes"]);
if (!Number.isInteger(CLIENT_PROCESSES) || CLIENT_PROCESSES < 1)
  throw new Error("--client-processes takes a whole number ≥ 1");
const SIZES = args.clients.split(",").map(Number);
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);
const REPLICAS = Number(args.replicas);
const deadline = Date.now() + Number(args.timeout) * 1000;
const unique = Date.now().toString(36);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || ![1, 2].includes(REPLICAS))
  throw new Error("--clients takes whole numbers (20,200,1000) and --replicas 1 or 2");
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(WARMUP) || WARMUP < 0)
  throw new Error("--rounds takes a whole number ≥ 1 and --warmup one ≥ 0");
if (REPLICAS > 1 && args.backend !== "postgres") throw new Error("--replicas 2 needs --backend postgres");

/**
 * Where the clients' cache files go: tmpfs (/dev/shm) when there is one. Each real enforcer writes its one
 * file on its own host; a thousand simulated here write a thousand per publish on one VM, and on this
 * machine's virtual disk that is ≈ 0.5 ms of CPU each (kernel time on the libuv pool, measured), which
 * would be charged to the control plane's fan-out. On tmpfs it is ≈ 0.08 ms. `--cache-dir` overrides.
 */
function cacheRoot(): string {
  try {
    accessSync("/dev/shm", fsConstants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Math.min(Date.now() + ms, deadline);
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const planes: ControlPlane[] = [];
const fleets: Fleet[] = [];
const stopAll = () => {
  for (const f of fleets.splice(0)) f.kill();
  for (const p of planes) p.stop();
};
const timer = setTimeout(() => {
  console.error("bench:config: overall timeout reached");
  stopAll();
  process.exit(2);
}, deadline - Date.now());
timer.unref();

try {
  if (args.url) planes.push({ url: args.url.replace(/\/$/, ""), stop: () => {}, cpuMs: () => Number.NaN });
  else {
    if (args.backend === "postgres")
      process.env.BENCH_DATABASE_URL = await createPostgresDatabase("portcullis_bench_config");
    console.log(`bench:config: starting ${REPLICAS} control plane(s) on ${args.backend} (builds on the first run)…`);
    // One after the other: the first builds (when needed) and migrates, the second reuses both.
    for (let r = 0; r < REPLICAS; r++) planes.push(await startControlPlane(Number(args.port) + r, deadline));
  }
  const first = planes[0] as ControlPlane;
  const api = adminApi(first.url, await signIn(first.url, args.email, args.password));
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
  const jwks = (await (await fetch(`${first.url}/.well-known/portcullis-jwks.json`)).json()) as JSONWebKeySet;
  const dir = mkdtempSync(join(args["cache-dir"] ?? cacheRoot(), "pcl-bench-config-"));
  console.log(`bench:config: the clients' cache files go to ${dir}`);
  // At exit, not in `finally`: a stopped client may still be finishing a write (and would make the directory again).
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const secrets: string[] = [];
  const results: SizeResult[] = [];
  let round: Map<number, number> | undefined;
  for (let f = 0; f < CLIENT_PROCESSES; f++) fleets.push(startFleet(compiled, (i, ms) => round?.set(i, ms)));
  const fleetCpuMs = async () => {
    const answers = await Promise.all(fleets.map((f) => f.ask({ t: "cpu" }, "cpu")));
    return answers.reduce((sum, a) => sum + a.us, 0) / 1000;
  };

  for (const size of SIZES) {
    while (secrets.length < size) {
      const batch = Array.from({ length: Math.min(25, size - secrets.length) }, (_, k) =>
        api<{ secret: string }>("POST", `/api/v1/resources/${resource.id}/credentials`, {
          name: `bench-client-${secrets.length + k}`,
        }),
      );
      for (const { secret } of await Promise.all(batch)) secrets.push(secret);
    }
    round = undefined;
    // Client i talks to replica i mod replicas and runs in fleet process i mod processes.
    const specs: FleetClientSpec[][] = fleets.map(() => []);
    for (let i = 0; i < size; i++) {
      specs[i % fleets.length]?.push({
        i,
        url: (planes[i % planes.length] as ControlPlane).url,
        credential: secrets[i] as string,
        cacheFile: join(dir, `client-${size}-${i}.jws`),
      });
    }
    await Promise.all(
      fleets.map((f, k) =>
        f.ask(
          {
            t: "start",
            jwks,
            resourceId: resource.id,
            clients: specs[k] as FleetClientSpec[],
            heartbeats: Boolean(args.heartbeats),
            afterApplyMaxDelayMs:
              args["heartbeat-after-apply-ms"] === undefined ? undefined : Number(args["heartbeat-after-apply-ms"]),
          },
          "started",
        ),
      ),
    );
    console.log(
      `bench:config: ${size} clients on ${planes.length} replica(s), in ${fleets.length} client process(es); ${WARMUP} warm-up publishes, then ${ROUNDS} measured`,
    );
    const latencies: number[] = [];
    const clientCpu: number[] = [];
    const serverCpu: number[] = [];
    const planeCpu = () => planes.reduce((sum, p) => sum + p.cpuMs(), 0);
    const roundMax: number[] = [];
    const byPublish: number[][] = [];
    // With heartbeats, each publish's reports (1-5 s after the apply) arrive before the next publish, as they
    // would with publishes minutes apart; their control-plane CPU is measured up to the next publish.
    const gapMs = 300 + size + (args.heartbeats ? 5_000 : 0);
    const withReports: number[] = [];
    let reportsFrom: number | undefined;
    for (let r = -WARMUP; r < ROUNDS; r++) {
      // Let every client park its long-poll again before the next publish.
      await new Promise((res) => setTimeout(res, gapMs));
      if (reportsFrom !== undefined) withReports.push(planeCpu() - reportsFrom);
      // A publish needs a change (an unchanged draft is refused): one tool named after the round.
      await api("PUT", `/api/v1/resources/${resource.id}/tools`, {
        tools: [{ name: `bench-${size}-${r + WARMUP}` }],
        unlistedTools: "deny",
      });
      const cpuBefore = await fleetCpuMs();
      round = new Map();
      const serverBefore = planeCpu();
      const { version } = await api<{ version: { version: number } }>(
        "POST",
        `/api/v1/resources/${resource.id}/publish`,
        { note: `bench ${size} round ${r}` },
      );
      const current = round;
      await until(() => current.size === size, 30_000, `round ${r} of ${size} clients`);
      const cpuAfter = await fleetCpuMs();
      const serverAfter = planeCpu();
      const versions = (await Promise.all(fleets.map((f) => f.ask({ t: "versions" }, "versions")))).flatMap(
        (a) => a.versions,
      );
      if (versions.length !== size || !versions.every((v) => v === version.version))
        throw new Error(`round ${r}: wrong version`);
      if (r < 0) continue; // a warm-up publish: applied and checked, not measured
      const values = [...current.values()];
      latencies.push(...values);
      roundMax.push(Math.max(...values));
      byPublish.push(values);
      clientCpu.push(Math.round(cpuAfter - cpuBefore));
      serverCpu.push(serverAfter - serverBefore);
      reportsFrom = serverBefore;
    }
    if (args.heartbeats) {
      await new Promise((res) => setTimeout(res, gapMs));
      if (reportsFrom !== undefined) withReports.push(planeCpu() - reportsFrom);
      console.log(
        `control plane CPU per publish with the heartbeats that report it (to the next publish): median ${Math.round(medianOf(withReports))} ms`,
      );
    }
    await Promise.all(fleets.map((f) => f.ask({ t: "stop" }, "stopped")));
    const all = [...latencies].sort((a, b) => a - b);
    const worst = [...roundMax].sort((a, b) => a - b);
    const result: SizeResult = {
      clients: size,
      clientCpuMsPerPublish: medianOf(clientCpu),
      serverCpuMsPerPublish: medianOf(serverCpu),
      perClientMs: { median: percentile(all, 50), p95: percentile(all, 95), max: all.at(-1) ?? Number.NaN },
      allClientsAppliedMs: {
        median: percentile(worst, 50),
        p95: percentile(worst, 95),
        max: worst.at(-1) ?? Number.NaN,
      },
      byPublish,
    };
    results.push(result);
    console.log(
      `publish → applied, ${size} clients × ${ROUNDS} publishes: median ${result.perClientMs.median} ms, p95 ${result.perClientMs.p95} ms, max ${result.perClientMs.max} ms; whole fleet applied: median ${result.allClientsAppliedMs.median} ms, p95 ${result.allClientsAppliedMs.p95} ms`,
    );
  }
  printSweep(results, args.backend, planes.length);
  console.log(
    JSON.stringify({
      backend: args.backend,
      replicas: planes.length,
      rounds: ROUNDS,
      warmup: WARMUP,
      results: results.map(({ byPublish: _, ...r }) => r),
    }),
  );
} finally {
  stopAll();
}
