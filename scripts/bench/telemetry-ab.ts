/**
 * `npm run bench:telemetry:ab -- [<git ref>]`: the enforcer's telemetry as it is in the working tree against
 * the same at another commit (default HEAD), side by side in the same server processes, in 20 ms slices
 * under one continuous load (telemetry-enforcer-slices.ts). The ref's enforcer is checked out into a
 * temporary worktree and compiled as it ships; the bench server serves both builds (`on` and `base:on`, …),
 * so a change to the request path is measured against its baseline with the same machine, process, JIT
 * state and load, where two runs of `bench:telemetry` differ by a few points. Prints, per mode, the working
 * tree's event-loop CPU per request against the baseline's (negative: the change is cheaper), each as the
 * median of ABBA blocks with its 90 % bootstrap interval, an A/A row (`off` against `base:off`: code that is the
 * same in both builds), and each mode's change less the A/A row's.
 * Flags: --modes on,seam,metrics,client (the modes compared; `off` is always added as the A/A row).
 * Env: BENCH_TELEMETRY_SLICE_MS (20), BENCH_TELEMETRY_SLICES (800 per process and mode), BENCH_SERVER_NODE_ARGS (node
 * flags for the two server processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": a profile of each at the end).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startJwksServer } from "../../lib/enforcer/test-utils/jwks-server";
import { startCollector } from "./collector";
import { compileForBench } from "./compile";
import { benchCall } from "./telemetry-call";
import { startServer } from "./telemetry-enforcer-http";
import { slicedOverhead } from "./telemetry-enforcer-slices";
import { added, signed, table } from "./telemetry-report";

const { values: args, positionals } = parseArgs({
  options: { modes: { type: "string", default: "on,seam,metrics,client" } },
  allowPositionals: true,
});
const ref = positionals[0] ?? "HEAD";
const modes = [...args.modes.split(",").filter((m) => m !== "off"), "off"];
const known = new Set(["on", "seam", "metrics", "copy", "client", "loop", "off"]);
if (modes.some((m) => !known.has(m))) throw new Error(`--modes takes ${[...known].join(", ")}`);
const sliceMs = Number(process.env.BENCH_TELEMETRY_SLICE_MS ?? 20);
const count = Number(process.env.BENCH_TELEMETRY_SLICES ?? 800);

const cache = join(process.cwd(), "node_modules", ".cache");
const current = compileForBench(process.cwd(), join(cache, "portcullis-bench-ab-current"));
const tree = mkdtempSync(join(tmpdir(), "pcl-bench-ab-"));
let baseline: string;
try {
  execFileSync("git", ["worktree", "add", "--detach", "--quiet", tree, ref], { stdio: "inherit" });
  baseline = compileForBench(tree, join(cache, "portcullis-bench-ab-baseline"));
} finally {
  execFileSync("git", ["worktree", "remove", "--force", tree], { stdio: "ignore" });
  rmSync(tree, { recursive: true, force: true });
}
const sha = execFileSync("git", ["rev-parse", "--short", ref], { encoding: "utf8" }).trim();

const { key, headers, body } = benchCall();
const jwks = await startJwksServer([key.jwk]);
const collector = await startCollector();
const env = {
  BENCH_JWKS_URI: jwks.url,
  BENCH_COLLECTOR_URL: collector.url,
  BENCH_ENFORCER_DIR: current,
  BENCH_BASELINE_DIR: baseline,
};
// The two builds load in one order in the first process and in the other in the second: which module loads first
// can change how its code is laid out and compiled, and the A/A row below shows that bias.
const servers = [await startServer(env), await startServer({ ...env, BENCH_BASELINE_FIRST: "1" })];
const rows: string[][] = [];
const changes = new Map<string, number>();
try {
  for (const mode of modes) {
    const o = await slicedOverhead(servers, ["/mcp", headers, body], `base:${mode}`, mode, {
      sliceMs,
      count,
      connections: 8,
      latency: false,
    });
    changes.set(mode, o.cpu.pct);
    rows.push([
      mode === "off" ? "off (A/A: no telemetry in either; the request path outside telemetry)" : mode,
      `${o.cpuA.toFixed(2)} → ${o.cpuB.toFixed(2)} µs`,
      added(o.cpu),
      added(o.processCpu),
    ]);
  }
} finally {
  for (const s of servers) s.stop();
  collector.stop();
  await jwks.close();
}
console.log(
  `\n## The working tree against ${ref} (${sha}), same processes, slices of ${sliceMs} ms (${count} per process and mode, 2 processes)\n`,
);
const aa = changes.get("off") ?? 0;
for (const row of rows.slice(0, -1)) row.push(`${signed((changes.get(row[0] as string) ?? 0) - aa)}%`);
console.log(
  table(
    [
      "mode",
      `event-loop CPU per request, ${sha} → working tree`,
      "change (event loop)",
      "change (process)",
      "event loop, less the A/A row",
    ],
    rows,
  ),
);
console.log(
  "(identical code in both builds shows as the A/A row: what is left after taking it away is the change's own effect; differences within about a point are not a finding on this machine)",
);
process.exit(0);
