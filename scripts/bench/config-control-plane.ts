/**
 * The control plane side of `npm run bench:config`: start a real one (`node scripts/start.mjs`, a
 * production build on 127.0.0.1 with its own SQLite file or BENCH_DATABASE_URL), sign in as its
 * bootstrap owner through next-auth, and call the admin REST API with that session.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";

export interface ControlPlane {
  url: string;
  stop(): void;
  /** CPU time of the control plane's processes so far, ms (Linux; NaN elsewhere or for a plane started elsewhere). */
  cpuMs(): number;
}

/**
 * User + system CPU of every process in process group `pgid`, ms, from /proc (clock ticks of 10 ms: read
 * it around work that costs far more than that).
 */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        // Fields after the command (which may hold spaces): state ppid pgrp … utime(14) stime(15).
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return Number.NaN;
  }
  return ticks * 10;
}

const OWNER = { email: "bench-owner@portcullis.test", password: "bench-owner-password-1234" };

export async function startControlPlane(port: number, deadline: number): Promise<ControlPlane> {
  const url = `http://127.0.0.1:${port}`;
  const dbFile = `data/bench-config-${port}.db`;
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? `file:./${dbFile}`;
  if (!process.env.BENCH_DATABASE_URL) rmSync(dbFile, { force: true });
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    detached: true, // its own process group: `next start` leaves next-server behind otherwise
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      NEXT_DIST_DIR: process.env.BENCH_NEXT_DIST_DIR ?? ".next-bench-config",
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0000",
      PORTCULLIS_ENCRYPTION_KEY: Buffer.alloc(32, 11).toString("base64"),
      ADMIN_EMAIL: OWNER.email,
      ADMIN_PASSWORD: OWNER.password,
      LOG_LEVEL: "warn",
    },
  });
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  for (;;) {
    if (Date.now() > deadline) {
      stop();
      throw new Error("the control plane did not become healthy in time");
    }
    if (child.exitCode !== null) throw new Error(`the control plane exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop, cpuMs: () => (child.pid === undefined ? Number.NaN : groupCpuMs(child.pid)) };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A session cookie for the admin REST API, from next-auth's credentials sign-in. */
export async function signIn(url: string, email = OWNER.email, password = OWNER.password): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = res.headers.getSetCookie().find((c) => c.includes("session-token="));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return [...cookies, session.split(";")[0]].join("; ");
}

export function adminApi(url: string, cookie: string) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { cookie, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${json.error?.message ?? ""}`);
    return json;
  };
}
