/**
 * `npm run bench:alerts`: one alert evaluation cycle of 200 rules over the per-minute rollups of ~10 M
 * events (targets: < 1 s), on SQLite and on PostgreSQL, and the notification fan-out to 50 webhook
 * channels with one receiver hanging (target: the other 49 delivered within 2 s). Each backend runs
 * in its own process (scripts/bench/alerts-db.ts). BENCH_ALERT_RESOURCES (100) and
 * BENCH_ALERT_CYCLES (15) size it; BENCH_ALERT_BACKENDS=sqlite runs one backend.
 */
import { spawn } from "node:child_process";

interface Result {
  dialect: string;
  data: { rows: number; events: number };
  rules: number;
  evaluation: {
    firstCycleMs: number;
    alertsOpened: number;
    steadyMedianMs: number;
    low: number;
    high: number;
    cycles: number;
  };
  fanOut: {
    channels: number;
    delivered: number;
    failed: number;
    lastOf49Ms: number;
    medianMs: number;
    deliverDueMs: number;
    plainFetchMs: number;
  };
}

function run(backend: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", "./scripts/bench/server-only-hook.mjs", "scripts/bench/alerts-db.ts", backend],
      { stdio: ["ignore", "pipe", "inherit"], env: process.env },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`${backend} bench failed (exit ${code})`));
      else resolve(JSON.parse(line.slice(7)) as Result);
    });
  });
}

const backends = (process.env.BENCH_ALERT_BACKENDS ?? "sqlite,postgres").split(",");
const results: Result[] = [];
for (const b of backends) results.push(await run(b));

const ms = (n: number) => `${n.toFixed(1)} ms`;
console.log("\nAlert evaluation: 200 rules (10 fleet-wide + 190 per-resource overrides)");
console.log("| backend | rollup rows (≈ events) | first cycle (opens alerts) | steady cycle median [90% CI] |");
console.log("|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.dialect} | ${r.data.rows.toLocaleString("en-US")} (≈ ${(r.data.events / 1e6).toFixed(1)} M) | ${ms(r.evaluation.firstCycleMs)}, ${r.evaluation.alertsOpened} alerts | ${ms(r.evaluation.steadyMedianMs)} [${r.evaluation.low.toFixed(1)}, ${r.evaluation.high.toFixed(1)}] over ${r.evaluation.cycles - 1} cycles |`,
  );
console.log("\nFan-out: one alert to 50 webhook channels, one receiver never answers (5 s delivery deadline)");
console.log(
  "| backend | delivered / failed | 49th fast receipt | median receipt | deliverDue total | control: 49 plain fetches |",
);
console.log("|---|---|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.dialect} | ${r.fanOut.delivered} / ${r.fanOut.failed} | ${ms(r.fanOut.lastOf49Ms)} | ${ms(r.fanOut.medianMs)} | ${ms(r.fanOut.deliverDueMs)} | ${ms(r.fanOut.plainFetchMs)} |`,
  );

const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
console.log("\nTargets (issue 11):");
for (const r of results) {
  const e = r.evaluation;
  console.log(
    `- ${r.dialect}: one evaluation cycle of ${r.rules} rules < 1 s: steady ${ms(e.steadyMedianMs)} (90% CI upper ${ms(e.high)}) ${verdict(e.high < 1000)}; first cycle, opening ${e.alertsOpened} alerts at once, ${ms(e.firstCycleMs)} ${verdict(e.firstCycleMs < 1000)}`,
  );
  console.log(
    `- ${r.dialect}: fan-out to ${r.fanOut.channels} channels with one hanging, the other ${r.fanOut.delivered} delivered within 2 s: last at ${ms(r.fanOut.lastOf49Ms)} ${verdict(r.fanOut.delivered === r.fanOut.channels - 1 && r.fanOut.lastOf49Ms < 2000)}`,
  );
}
