#!/usr/bin/env node
/**
 * `npm start`: everything a first run needs, then the server.
 * 1. secrets: NEXTAUTH_SECRET and PORTCULLIS_ENCRYPTION_KEY from the environment; outside production,
 *    generated once into data/secrets.json (mode 0600) for the embedded single-machine default;
 *    with NODE_ENV=production a missing one stops the start (scripts/start-secrets.mjs);
 * 2. migrate the database (SQLite file under data/ by default, or DATABASE_URL);
 * 3. build when the build is missing or older than the sources;
 * 4. serve with scripts/serve.mjs, Next behind a thin node:http server (PORT, default 3000; HOST, default 0.0.0.0).
 * `--build-only`: step 3 alone, then exit (`npm test` builds the e2e server's build beside the unit tests).
 * PORTCULLIS_NO_BUILD=1: stop (exit 1) instead of building a missing or stale build, for a start that
 * shares another server's build folder.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { MissingSecretsError, resolveSecrets } from "./start-secrets.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = { ...process.env };
env.PORT ||= "3000";
env.NEXT_TELEMETRY_DISABLED ||= "1";
env.DATABASE_URL ||= "file:./data/portcullis.db";
env.NEXTAUTH_URL ||= `http://localhost:${env.PORT}`;
mkdirSync("data", { recursive: true });
const buildOnly = process.argv.includes("--build-only");

try {
  if (!buildOnly) resolveSecrets(env, "data");
} catch (e) {
  if (!(e instanceof MissingSecretsError)) throw e;
  console.error(e.message);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

if (!buildOnly) {
  console.log(
    `Portcullis: migrating ${env.DATABASE_URL.startsWith("file:") ? "the embedded SQLite database" : "the database"}…`,
  );
  run(bin("prisma"), ["migrate", "deploy"]);
}

const buildId = join(env.NEXT_DIST_DIR || ".next", "BUILD_ID");
const sources = ["app", "components", "lib", "proxy.ts", "instrumentation.ts", "next.config.ts", "package-lock.json"];
const stale = !existsSync(buildId) || Math.max(...sources.map(newestMtime)) > statSync(buildId).mtimeMs;
const build = stale || process.argv.includes("--rebuild");
if (build && env.PORTCULLIS_NO_BUILD === "1") {
  // A start that shares another process's build (e2e/demo-live.spec.ts beside the e2e server) must never
  // rebuild it: the running server's pages would then ask for chunks that no longer exist.
  console.error(
    `Portcullis: the build in ${env.NEXT_DIST_DIR || ".next"} is ${stale ? "missing or older than the sources" : "to be rebuilt (--rebuild)"}, and PORTCULLIS_NO_BUILD=1 forbids building it here (another server may be serving from it). Build it first: node scripts/start.mjs --build-only`,
  );
  process.exit(1);
}
if (build) {
  console.log("Portcullis: building (first start or sources changed)…");
  run(bin("next"), ["build"]);
}
if (buildOnly) process.exit(0);

const host = env.HOST || "0.0.0.0";
console.log(`Portcullis: serving on ${env.NEXTAUTH_URL} (listening on ${host}:${env.PORT})`);
// scripts/serve.mjs, not `next start`: it stamps the socket's peer address and a server-made request id
// on every request and times out slow bodies (issue 10 §2, §7).
const child = spawn(process.execPath, [join(root, "scripts", "serve.mjs")], {
  stdio: "inherit",
  env: { ...env, HOST: host },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
