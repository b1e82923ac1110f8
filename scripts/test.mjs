#!/usr/bin/env node
/**
 * `npm test`: the whole suite, in the order that fails fastest, then one summary line.
 *   lint · schema copy check · typecheck · unit (enforcer, IdP harness) beside the e2e production build ·
 *   data layer on SQLite and on PostgreSQL (each in two halves) beside storage faults and the MCP conformance suite ·
 *   Playwright in Debian Chromium
 * Steps that leave a core idle share the machine (`together`): the data-layer runs test one file at a
 * time and wait on their databases, and the build fills the unit run's gaps.
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (see README).
 * `npm test -- --only=unit,db` runs a subset.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { e2eDistDir } from "../e2e/fixtures/dist-dir.mjs";

process.chdir(new URL("..", import.meta.url).pathname);
mkdirSync("test-results", { recursive: true });
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");

const vitest = (name, project, extraEnv = {}, extraArgs = []) => ({
  name,
  cmd: [
    "npx",
    "vitest",
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=test-results/${name}.json`,
    ...extraArgs,
  ],
  env: extraEnv,
  counts: () => {
    const r = JSON.parse(readFileSync(`test-results/${name}.json`, "utf8"));
    return { passed: r.numPassedTests, failed: r.numFailedTests };
  },
});

const e2eBuildDir = e2eDistDir(Number(process.env.E2E_PORT ?? 3100));

const steps = [
  { name: "lint", cmd: ["npx", "biome", "ci", "."] },
  { name: "schema", cmd: ["npx", "tsx", "scripts/db/sync-schema.ts", "--check"] },
  // Not beside the e2e build: the build rewrites tsconfig.json, which the type check reads.
  { name: "typecheck", cmd: ["npm", "run", "typecheck"] },
  // Two workers: vitest takes one fewer than the cores, and on 2 cores its one worker often waits on a real
  // timer while the other core idles once the build beside it is done.
  { ...vitest("unit", "unit", {}, ["--maxWorkers=2"]), together: "unit" },
  // The production build the e2e server starts from (scripts/start.mjs skips a build that is up to date).
  // A head start only: if it does not finish, its BUILD_ID goes and the e2e server builds again (and fails
  // the run there if the build is really broken).
  {
    name: "e2e-build",
    together: "unit",
    cmd: ["node", "scripts/start.mjs", "--build-only"],
    env: { NODE_ENV: "production", NEXT_DIST_DIR: e2eBuildDir },
    ifUnfinished: () => rmSync(join(e2eBuildDir, "BUILD_ID"), { force: true }),
  },
  // Each data-layer run in two halves, each half on a database of its own (global-setup.ts names it by
  // process): they test one file at a time and mostly wait on their database.
  ...[1, 2].map((k) => ({ ...vitest(`db-sqlite-${k}`, "db", {}, [`--shard=${k}/2`]), together: "db" })),
  ...[1, 2].map((k) => ({
    ...vitest(`db-postgres-${k}`, "db", { TEST_DB: "postgres" }, [`--shard=${k}/2`]),
    together: "db",
  })),
  // Storage faults: a SQLite file on a tmpfs filled for real (needs root: skipped with a message
  // otherwise), PostgreSQL refusing and dropping connections, the LISTEN reconnect. About a minute, each
  // test on a database of its own, so it runs beside the data-layer runs.
  { ...vitest("faults", "faults"), together: "db" },
  // MCP conformance suite 0.1.16 (its CLI on Node 22): every server scenario against the conformance server,
  // bare and behind the enforcer through a token-adding proxy. About 30 s.
  {
    name: "conformance",
    together: "db",
    cmd: ["npx", "tsx", "scripts/conformance/run.ts"],
    counts: () => JSON.parse(readFileSync("test-results/conformance.json", "utf8")),
  },
  {
    name: "e2e",
    cmd: ["npx", "playwright", "test"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: "test-results/e2e.json" },
    counts: () => {
      const r = JSON.parse(readFileSync("test-results/e2e.json", "utf8"));
      return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected };
    },
  },
].filter((s) => !only || only.some((o) => s.name.startsWith(o)));

let passed = 0;
let failed = 0;
const failedSteps = [];

/**
 * Runs one step. Alone, its output streams to the terminal; beside others (`concurrent`), it is buffered
 * and printed as one block when the step ends, so the log reads step by step either way.
 */
function runStep(step, concurrent) {
  if (step.counts) rmSync(`test-results/${step.name}.json`, { force: true });
  if (!concurrent) console.log(`\n━━ ${step.name}: ${step.cmd.join(" ")}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(step.cmd[0], step.cmd.slice(1), {
      stdio: concurrent ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, ...step.env },
    });
    const output = [];
    child.stdout?.on("data", (chunk) => output.push(chunk));
    child.stderr?.on("data", (chunk) => output.push(chunk));
    child.on("close", (code, signal) => {
      if (concurrent) {
        console.log(`\n━━ ${step.name}: ${step.cmd.join(" ")} (ran beside other steps; its output follows)`);
        process.stdout.write(Buffer.concat(output));
      }
      if (code !== 0) console.log(`━━ ${step.name}: ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
      resolve(record(step, code ?? 1, ((Date.now() - started) / 1000).toFixed(1)));
    });
  });
}

function record(step, status, secs) {
  if (status !== 0 && step.ifUnfinished) {
    step.ifUnfinished();
    console.log(`━━ ${step.name}: did not finish (${secs}s); the step that needs it does the work again`);
    return;
  }
  let counts = { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1 };
  if (step.counts && existsSync(`test-results/${step.name}.json`)) {
    try {
      counts = step.counts();
      if (status !== 0 && counts.failed === 0) counts.failed = 1; // the run itself failed
    } catch {}
  }
  passed += counts.passed;
  failed += counts.failed;
  if (status !== 0) failedSteps.push(step.name);
  console.log(
    `━━ ${step.name}: ${status === 0 ? "ok" : "FAILED"} (${counts.passed} passed, ${counts.failed} failed, ${secs}s)`,
  );
}

// Consecutive steps of one `together` group run side by side; the others one after another.
const began = Date.now();
for (let i = 0; i < steps.length; ) {
  const group = steps[i].together;
  let j = i + 1;
  while (group && j < steps.length && steps[j].together === group) j++;
  const batch = steps.slice(i, j);
  await Promise.all(batch.map((step) => runStep(step, batch.length > 1)));
  i = j;
}
console.log(`\n${((Date.now() - began) / 60_000).toFixed(1)} min`);
console.log(
  `${failedSteps.length ? `Failed steps: ${failedSteps.join(", ")}\n` : ""}${passed} passed, ${failed} failed`,
);
process.exit(failedSteps.length ? 1 : 0);
