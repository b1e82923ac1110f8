import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { inject } from "vitest";

/**
 * Helpers for the storage-fault tests (`npm test -- --only=faults`): control-plane processes that can
 * be killed and restarted, migrations, and a disk that can be filled. FZ_LOG=info shows the servers' logs. Test-only.
 */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a control-plane script (default e2e/faults/fault-server.ts) on `databaseUrl`; resolves
 * with its URL once it prints `READY <url>`.
 */
export function startServer(
  databaseUrl: string,
  { script = "e2e/faults/fault-server.ts", env = {} }: { script?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "./e2e/faults/server-only-hook.mjs", "--import", "tsx", script], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.FZ_LOG ?? "silent", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (process.env.FZ_LOG) process.stdout.write(chunk);
      const m = /READY (\S+)/.exec(out);
      if (m?.[1]) resolve({ url: m[1], child, stop });
    });
    child.on("exit", (code) => reject(new Error(`fault server exited with ${code}`)));
  });
}

export function migrate(databaseUrl: string): void {
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "ignore",
  });
}

/** Writes `path` until the file system says ENOSPC (big chunks, then 4 KiB ones). Returns the bytes written. */
export function fillDisk(path: string): number {
  const fd = openSync(path, "w");
  let written = 0;
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked with toMatchObject
export type JsonBody = Record<string, any>;

/** A fetch that gives up after `ms` (a hung control plane shows as an AbortError, not a test timeout). */
export async function timedFetch(url: string, init: RequestInit = {}, ms = 15_000) {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
  const text = await res.text();
  const isJson = (res.headers.get("content-type") ?? "").includes("json");
  return { res, ms: performance.now() - started, body: (isJson ? JSON.parse(text) : { text }) as JsonBody };
}

const PG_ADMIN_URL = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** One statement on the maintenance database, on a connection of its own. */
export async function pgAdmin(sql: string, params: unknown[] = []): Promise<void> {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql, params);
  } finally {
    await c.end();
  }
}

/**
 * A migrated PostgreSQL database of the test's own, and the outage switches: refuse new connections
 * and terminate every backend (a failover window), allow them again, drop it. Null when PostgreSQL
 * cannot be reached (the caller skips with a message).
 */
export async function createPgDatabase(prefix: string) {
  const name = `${prefix}_${process.pid}`;
  const template = inject("faultsPgTemplate"); // migrated once by global-setup.ts
  try {
    if (!template) throw new Error("no template");
    await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await pgAdmin(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } catch {
    console.warn(`faults: SKIPPED ${prefix}: no PostgreSQL at ${PG_ADMIN_URL}.`);
    return null;
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const terminateBackends = () =>
    pgAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
      name,
    ]);
  return {
    url,
    terminateBackends,
    async refuseConnections() {
      await pgAdmin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await terminateBackends();
    },
    allowConnections: () => pgAdmin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`),
    drop: () => pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {}),
  };
}
