#!/usr/bin/env node
/**
 * `npm test`: the whole suite, in the order that fails fastest, then one summary line.
 *   lint · schema copy check · typecheck · unit (enforcer, IdP harness) ·
 *   data layer on SQLite · data layer on PostgreSQL · storage faults · MCP conformance suite ·
 *   Playwright in Debian Chromium (production build)
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (see README).
 * `npm test -- --only=unit,db` runs a subset.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

process.chdir(new URL("..", import.meta.url).pathname);
mkdirSync("test-results", { recursive: true });
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");

const vitest = (name, project, extraEnv = {}) => ({
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
  ],
  env: extraEnv,
  counts: () => {
    const r = JSON.parse(readFileSync(`test-results/${name}.json`, "utf8"));
    return { passed: r.numPassedTests, failed: r.numFailedTests };
  },
});

const steps = [
  { name: "lint", cmd: ["npx", "biome", "ci", "."] },
  { name: "schema", cmd: ["npx", "tsx", "scripts/db/sync-schema.ts", "--check"] },
  { name: "typecheck", cmd: ["npm", "run", "typecheck"] },
  vitest("unit", "unit"),
  vitest("db-sqlite", "db"),
  vitest("db-postgres", "db", { TEST_DB: "postgres" }),
  // Storage faults: a SQLite file on a tmpfs filled for real (needs root: skipped with a message
  // otherwise), PostgreSQL refusing and dropping connections, the LISTEN reconnect. About a minute.
  vitest("faults", "faults"),
  // MCP conformance suite 0.1.16 (its CLI on Node 22): every server scenario against the conformance server,
  // bare and behind the enforcer through a token-adding proxy. About 30 s.
  {
    name: "conformance",
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
for (const step of steps) {
  console.log(`\n━━ ${step.name}: ${step.cmd.join(" ")}`);
  if (step.counts) rmSync(`test-results/${step.name}.json`, { force: true });
  const started = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: "inherit", env: { ...process.env, ...step.env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  let counts = { passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1 };
  if (step.counts && existsSync(`test-results/${step.name}.json`)) {
    try {
      counts = step.counts();
      if (r.status !== 0 && counts.failed === 0) counts.failed = 1; // the run itself failed
    } catch {}
  }
  passed += counts.passed;
  failed += counts.failed;
  if (r.status !== 0) failedSteps.push(step.name);
  console.log(
    `━━ ${step.name}: ${r.status === 0 ? "ok" : "FAILED"} (${counts.passed} passed, ${counts.failed} failed, ${secs}s)`,
  );
}
console.log(
  `\n${failedSteps.length ? `Failed steps: ${failedSteps.join(", ")}\n` : ""}${passed} passed, ${failed} failed`,
);
process.exit(failedSteps.length ? 1 : 0);
