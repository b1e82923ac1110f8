/**
 * `npm test -- --only=conformance`: the `@modelcontextprotocol/conformance` 0.1.16 server scenarios (active suite,
 * run by its CLI on Node 22) against the conformance server twice: bare, and behind the enforcer through a
 * loopback proxy that adds a valid token. Prints one line per scenario and target, writes
 * test-results/conformance.json ({ passed, failed, scenarios }), and exits 1 when a scenario fails that
 * KNOWN_FAILURES does not list, or a listed one passes (the list is stale).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestIdp } from "../../e2e/idp/test-idp.js";
import { createEnforcer, createRecordingSink, EnforcerPolicy } from "../../lib/enforcer/index.js";
import { CONFORMANCE_CLI, ensureNode22Peers, NODE22 } from "../node22/peers.js";
import { startConformanceServer } from "./server.js";
import { startTokenProxy } from "./token-proxy.js";
import { CONFORMANCE_TOOLS } from "./tools.js";

/** Scenario → why it cannot pass, per target. Empty: every scenario passes both ways. */
const KNOWN_FAILURES: Record<"bare" | "enforced", Record<string, string>> = { bare: {}, enforced: {} };

/** `--scenario=a,b` runs these scenarios in this order (both targets), for debugging. */
const SCENARIOS = process.argv
  .find((a) => a.startsWith("--scenario="))
  ?.slice(11)
  .split(",");

/** `--target=bare` or `--target=enforced` runs one target only. */
const TARGET = process.argv.find((a) => a.startsWith("--target="))?.slice(9) as ScenarioResult["target"] | undefined;

/** The suite's CLI on Node 22; its output goes to `log`. */
function cli(args: string[], log: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(NODE22, [CONFORMANCE_CLI, "server", ...args], { stdio: "pipe" });
    child.stdout.on("data", (d) => log.push(String(d)));
    child.stderr.on("data", (d) => log.push(String(d)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
}

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
}
interface ScenarioResult {
  target: "bare" | "enforced";
  scenario: string;
  passed: boolean;
  warnings: string[];
  failures: string[];
}

/** Runs the suite's CLI (all active server scenarios, one after another) and reads each scenario's checks.json. */
async function runSuite(target: ScenarioResult["target"], url: string): Promise<ScenarioResult[]> {
  const out = mkdtempSync(join(tmpdir(), `conformance-${target}-`));
  const log: string[] = [];
  // `--suite all`: the active scenarios and the pending ones (json-schema-2020-12, server-sse-polling).
  const runs = SCENARIOS ? SCENARIOS.map((s) => ["--scenario", s]) : [["--suite", "all"]];
  let code: number | null = 0;
  for (const which of runs) code = (await cli([...which, "--url", url, "-o", out], log)) || code;
  const results: ScenarioResult[] = [];
  for (const dir of readdirSync(out).sort()) {
    const scenario = dir.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
    const checks = JSON.parse(readFileSync(join(out, dir, "checks.json"), "utf8")) as Check[];
    const of = (s: Check["status"]) => checks.filter((c) => c.status === s).map((c) => `${c.id}: ${c.errorMessage}`);
    const failures = of("FAILURE");
    results.push({ target, scenario, passed: failures.length === 0, warnings: of("WARNING"), failures });
  }
  rmSync(out, { recursive: true, force: true });
  if (process.env.CONFORMANCE_VERBOSE) console.log(log.join(""));
  if (results.length === 0)
    throw new Error(`the suite ran no scenario against ${url} (exit ${code}):\n${log.join("")}`);
  return results;
}

async function main(): Promise<number> {
  ensureNode22Peers();
  const idp = await startTestIdp({ shape: "oidc", port: 0 });
  const bare = await startConformanceServer();
  const enforced = await startConformanceServer();
  const resourceUri = enforced.url("/mcp");
  const token = await idp.mintAccessToken({
    audience: resourceUri,
    scopes: ["mcp:tools", "mcp:resources", "mcp:prompts"],
    expiresInSec: 900,
  });
  const proxy = await startTokenProxy(enforced.url("/"), () => token);
  const sink = createRecordingSink();
  const policy = EnforcerPolicy.parse({
    // The proxy is the suite's origin (dns-rebinding-protection sends it as Origin); anything else is refused.
    resource: { uri: resourceUri, name: "conformance", allowedOrigins: [proxy.origin] },
    idp: {
      kind: "oidc",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [resourceUri],
      authorizationServers: [idp.issuer],
    },
    tools: CONFORMANCE_TOOLS.map((name) => ({ name })),
    // server-sse-polling and server-sse-multiple-streams send raw requests declaring MCP-Protocol-Version
    // 2025-03-26, which the default policy (oldest 2025-06-18) refuses with 400 / -32022 by design.
    protocol: { oldestRevision: "2025-03-26" },
  });
  enforced.protect(createEnforcer({ policy, sink }));
  // The enforced target really is enforced: without the proxy's token, the same URL answers 401.
  const unsigned = await fetch(resourceUri, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  if (unsigned.status !== 401) throw new Error(`the enforced server answered ${unsigned.status} without a token`);
  let results: ScenarioResult[];
  try {
    const targets = { bare: bare.url("/mcp"), enforced: new URL("/mcp", proxy.origin).href };
    const chosen = TARGET ? [TARGET] : (["bare", "enforced"] as const);
    results = (await Promise.all(chosen.map((t) => runSuite(t, targets[t])))).flat();
  } finally {
    await Promise.all([proxy.close(), bare.close(), enforced.close(), idp.close()]);
  }
  const decisions = sink.ofType("decision");
  const denials = decisions.filter((d) => d.outcome === "deny" && d.reason !== "token_missing");
  let unexpected = 0;
  for (const r of results) {
    const known = KNOWN_FAILURES[r.target][r.scenario];
    const verdict = r.passed ? (known ? "STALE (listed as failing, passes)" : "pass") : known ? "known" : "FAIL";
    if (verdict === "FAIL" || verdict.startsWith("STALE")) unexpected++;
    const note = [...r.failures, ...r.warnings.map((w) => `warning ${w}`)].join("; ");
    console.log(`${verdict.padEnd(5)} ${r.target.padEnd(8)} ${r.scenario}${note ? `  (${note})` : ""}`);
  }
  const allowed = decisions.filter((d) => d.outcome === "allow");
  const tools = new Set(allowed.flatMap((d) => (d.tool ? [d.tool] : [])));
  console.log(`enforcer: ${allowed.length} requests allowed (${tools.size} tools called), ${denials.length} denied:`);
  for (const d of denials) console.log(`  ${d.reason} ${d.method ?? ""} ${d.tool ?? ""}`);
  const passed = results.filter((r) => r.passed).length;
  const resultsDir = new URL("../../test-results/", import.meta.url).pathname;
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, "conformance.json"),
    JSON.stringify({ passed, failed: results.length - passed, scenarios: results }, null, 2),
  );
  console.log(`${passed} passed, ${results.length - passed} failed`);
  return unexpected === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
