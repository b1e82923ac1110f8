/**
 * A share of bench:config's simulated fleet, in a process of its own (config.ts forks one per core by
 * default, through config-fleet.ts): the real config clients of the enforcer, compiled as it ships
 * (BENCH_ENFORCER_DIR, compile.ts), driven over Node's IPC channel. Each client's latency (applied, this process's clock − the bundle's
 * `publishedAt`) is taken in its `onUpdate`, as config.ts did in process, and reported in one message per
 * event-loop turn, so the reporting costs the clients next in line as little as possible.
 *
 * Messages in: `start` (the clients to run), `cpu`, `versions`, `stop`; out: `started`, `applied`, `cpu`,
 * `versions`, `stopped`, `rejected`.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ConfigClientModule from "../../lib/enforcer/config/client.js";
import type { ConfigClient } from "../../lib/enforcer/config/client.js";
import type { FromFleet, ToFleet } from "./config-fleet.js";

const dir = process.env.BENCH_ENFORCER_DIR;
if (!dir || !process.send)
  throw new Error("config-fleet-process.ts is forked by config-fleet.ts (BENCH_ENFORCER_DIR, an IPC channel)");
const { createConfigClient } = (await import(
  pathToFileURL(join(dir, "lib", "enforcer", "config", "client.js")).href
)) as typeof ConfigClientModule;

const send = (message: FromFleet) => process.send?.(message);
let clients: ConfigClient[] = [];
let pending: [number, number][] = [];
const flush = () => {
  send({ t: "applied", applied: pending });
  pending = [];
};

process.on("message", async (message: ToFleet) => {
  if (message.t === "start") {
    clients = message.clients.map((spec) =>
      createConfigClient({
        url: spec.url,
        credential: spec.credential,
        jwks: message.jwks,
        resourceId: message.resourceId,
        cacheFile: spec.cacheFile,
        onUpdate: (bundle) => {
          if (pending.length === 0) setImmediate(flush);
          pending.push([spec.i, Date.now() - Date.parse(bundle.publishedAt)]);
        },
        onReject: (r) => send({ t: "rejected", i: spec.i, message: `${r.code} ${r.message}` }),
        // As a managed enforcer is set up (README): a heartbeat at start and after each apply; the periodic
        // one is pushed past the bench's end so that only those two kinds are measured.
        heartbeat: message.heartbeats
          ? {
              instanceId: `bench-${spec.i}`,
              host: "bench.local",
              moduleVersion: "bench",
              intervalMs: 3_600_000,
              afterApplyMaxDelayMs: message.afterApplyMaxDelayMs,
            }
          : undefined,
      }),
    );
    await Promise.all(clients.map((c) => c.start()));
    send({ t: "started" });
  } else if (message.t === "cpu") {
    const cpu = process.cpuUsage();
    send({ t: "cpu", us: cpu.user + cpu.system });
  } else if (message.t === "versions") {
    send({ t: "versions", versions: clients.map((c) => c.current()?.version) });
  } else if (message.t === "stop") {
    for (const c of clients.splice(0)) c.stop();
    send({ t: "stopped" });
  }
});
process.on("disconnect", () => process.exit(0));
