/**
 * The control plane as `npm start` runs it (scripts/start.mjs: migrate, build only when the build is missing or older
 * than the sources, serve), in its own process group on 127.0.0.1, so stopping the demo stops Next's server too.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;

/** What `prisma migrate deploy` prints on every start (the demo has already migrated): not news. */
const PRISMA_CHATTER =
  /^(Loaded Prisma config|Prisma config detected|Prisma schema loaded|Datasource "db"|WARNING: Your schema specifies|- url$|The values from your schema|We recommend you to remove|\d+ migrations? found|No pending migrations)/;

export interface ControlPlaneProcess {
  url: string;
  stop: () => Promise<void>;
}

/** Runs a repository binary to completion; throws with its output when it fails. */
export function runTool(args: string[], env: NodeJS.ProcessEnv, what: string): string {
  const r = spawnSync(args[0] ?? "", args.slice(1), { cwd: root, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export const bin = (name: string) => join(root, "node_modules", ".bin", name);

export async function startControlPlane(opts: {
  port: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Longest wait for the first answer (a first build takes minutes). */
  timeoutMs?: number;
  /** Gets `stop` as soon as the process exists, so a Ctrl-C while it builds or starts stops it too. */
  onSpawn?: (stop: () => Promise<void>) => void;
}): Promise<ControlPlaneProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child: ChildProcess = spawn(process.execPath, [join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: { ...opts.env, PORT: String(opts.port), HOST: "127.0.0.1", NEXTAUTH_URL: url },
    detached: true, // its own process group: serve.mjs and Next die with it
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim() && !PRISMA_CHATTER.test(line)) opts.log(`[control plane] ${line}`);
    });
  }
  let exited: number | null | undefined;
  const gone = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const killer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
    await gone;
    clearTimeout(killer);
  };
  opts.onSpawn?.(stop);

  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the control plane exited (code ${exited}) before it answered`);
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the control plane did not answer on ${url} in time`);
}
