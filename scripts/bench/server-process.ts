/**
 * A benchmark server in its own process, optionally pinned to CPU 0 with `taskset`,
 * with CPU-time snapshots (SIGUSR2 → `STATS <cpu µs> <requests served>`).
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";

export interface ServerProcess {
  port: number;
  /** CPU µs used and requests served so far, read from the server itself. */
  stats(): Promise<{ cpuUs: number; served: number }>;
  stop(): Promise<void>;
}

/** True when `taskset` exists and there are two CPUs to split between server and load. */
export function canPin(): boolean {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return availableParallelism() >= 2;
  } catch {
    return false;
  }
}

/** Pins the current process (all threads) to CPU 1. */
export function pinSelfToCpu1(): void {
  execFileSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
}

/**
 * BENCH_SERVER_NODE_ARGS: extra node flags for a bench's server processes only (bench:enforcer, bench:telemetry,
 * bench:telemetry:ab), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"; the servers exit cleanly when stopped, so a
 * profile is written. @example spawn(process.execPath, [...serverNodeArgs(), script])
 */
export function serverNodeArgs(): string[] {
  return process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
}

/** Starts `bench-server.js` of the compiled tree `outDir` (see compile.ts) for one case. */
export async function startServer(
  outDir: string,
  which: string,
  jwksUri: string,
  pin: boolean,
): Promise<ServerProcess> {
  const args = [...serverNodeArgs(), join(outDir, "scripts", "bench", "bench-server.js"), which];
  const options: SpawnOptions = {
    env: { ...process.env, BENCH_JWKS_URI: jwksUri },
    stdio: ["ignore", "pipe", "inherit"],
  };
  // taskset execs node in place, so child.pid is the server's own pid.
  const child: ChildProcess = pin
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
  const nextLine = lineReader(child);
  const port = await listeningPort(child, nextLine, which);
  return {
    port,
    async stats() {
      const line = nextLine();
      child.kill("SIGUSR2");
      const [, cpu, served] = (await line).split(" ");
      return { cpuUs: Number(cpu), served: Number(served) };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A child's stdout, line by line: each call of the returned function resolves with the next line.
 *
 * @example const nextLine = lineReader(child); const first = await nextLine();
 */
export function lineReader(child: ChildProcess): () => Promise<string> {
  let out = "";
  const waiters: ((line: string) => void)[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (let nl = out.indexOf("\n"); nl !== -1; nl = out.indexOf("\n")) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  return () => new Promise<string>((resolve) => waiters.push(resolve));
}

/**
 * The port of a bench server's first line, `LISTENING <port>`; rejects if it exits first or takes 20 s.
 *
 * @example const port = await listeningPort(child, lineReader(child), "on");
 */
export function listeningPort(child: ChildProcess, nextLine: () => Promise<string>, name: string): Promise<number> {
  return Promise.race([
    nextLine().then((line) => Number(/LISTENING (\d+)/.exec(line)?.[1] ?? Number.NaN)),
    new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)))),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} did not start`)), 20_000).unref()),
  ]);
}
