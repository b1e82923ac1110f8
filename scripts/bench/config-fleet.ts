/**
 * bench:config's simulated fleet, seen from config.ts: the messages of the fleet processes
 * (config-fleet-process.ts, one per core by default) and `startFleet`, which forks one and awaits its
 * answers over Node's IPC channel.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import type { JSONWebKeySet } from "jose";

/** One simulated enforcer: its index in the fleet, its control plane and credential, its cache file. */
export interface FleetClientSpec {
  i: number;
  url: string;
  credential: string;
  cacheFile: string;
}

/** config.ts → a fleet process. */
export type ToFleet =
  | {
      t: "start";
      jwks: JSONWebKeySet;
      resourceId: string;
      clients: FleetClientSpec[];
      heartbeats: boolean;
      afterApplyMaxDelayMs: number | undefined;
    }
  | { t: "cpu" }
  | { t: "versions" }
  | { t: "stop" };

/** A fleet process → config.ts (`applied` and `rejected` unasked, the others as answers). */
export type FromFleet =
  | { t: "started" }
  | { t: "applied"; applied: [i: number, ms: number][] }
  | { t: "cpu"; us: number }
  | { t: "versions"; versions: (number | undefined)[] }
  | { t: "stopped" }
  | { t: "rejected"; i: number; message: string };

/** One process of the simulated fleet (config-fleet-process.ts), and its answers awaited by kind. */
export interface Fleet {
  ask<T extends FromFleet["t"]>(message: ToFleet, answer: T): Promise<Extract<FromFleet, { t: T }>>;
  kill(): void;
}

/**
 * Forks one fleet process running the enforcer compiled to `enforcerDir` (compile.ts). `onApplied` gets each
 * client's publish → applied latency as it is reported. A fleet process that dies ends the bench (its clients'
 * results would be missing).
 */
export function startFleet(enforcerDir: string, onApplied: (i: number, ms: number) => void): Fleet {
  const child = fork(join("scripts", "bench", "config-fleet-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_ENFORCER_DIR: enforcerDir },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<string, ((m: FromFleet) => void)[]>();
  let stopping = false;
  child.on("message", (m: FromFleet) => {
    if (m.t === "applied") for (const [i, ms] of m.applied) onApplied(i, ms);
    else if (m.t === "rejected") console.error(`client ${m.i} rejected a bundle: ${m.message}`);
    else waiting.get(m.t)?.shift()?.(m);
  });
  child.on("exit", (code) => {
    if (stopping) return;
    console.error(`bench:config: a fleet process exited (code ${code})`);
    process.exit(2);
  });
  return {
    ask: (message, answer) =>
      new Promise((resolve) => {
        const list = waiting.get(answer) ?? [];
        list.push(resolve as (m: FromFleet) => void);
        waiting.set(answer, list);
        child.send(message);
      }),
    kill: () => {
      stopping = true;
      child.kill();
    },
  };
}
