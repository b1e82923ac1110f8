/**
 * One backend's half of `npm run bench:alerts` (its own process: env and Prisma client are per process):
 *   node --import tsx --import ./scripts/bench/server-only-hook.mjs scripts/bench/alerts-db.ts <sqlite|postgres>
 * Own database (data/portcullis_bench_alerts.db or that PostgreSQL database; removed unless BENCH_KEEP). Prints progress on
 * stderr and one `RESULT {json}` line on stdout.
 *
 * Data: per-minute rollups for RESOURCES resources over 24 h (12 rows per resource-minute: decisions
 * allowed and denied by 3 reasons, rate-limit hits of 4 clients, a forced JWKS refresh, OBO exchanges
 * with a latency histogram, new tokens of 2 clients) plus 7 days of hourly new-token rows: the
 * rollups of ~10 M events. Rules: the 10 fleet rules and 190 per-resource overrides = 200.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dropBenchDatabase, openBenchDatabase } from "./bench-db";
import { bootstrapMedianInterval, median } from "./stats";

const dialect = (process.argv[2] ?? "sqlite") as "sqlite" | "postgres";
const RESOURCES = Number(process.env.BENCH_ALERT_RESOURCES ?? 100);
const CYCLES = Number(process.env.BENCH_ALERT_CYCLES ?? 15);
const DB_NAME = "portcullis_bench_alerts";
const log = (msg: string) => process.stderr.write(`[${dialect}] ${msg}\n`);

await openBenchDatabase(dialect, DB_NAME, {
  ALLOW_PRIVATE_NETWORK_FETCH: "true", // the fan-out receivers are on loopback
});

const { db } = await import("@/lib/server/db");
const { ensureDefaultAlertRules } = await import("@/lib/server/alerts/rules");
const { evaluateAlerts } = await import("@/lib/server/alerts/evaluate");
const { deliverDue } = await import("@/lib/server/alerts/deliver");
const { sealConfig } = await import("@/lib/server/alerts/channels");
const { newSigningSecret } = await import("@/lib/server/alerts/signature");
const { ALL_REASON_CODES } = await import("@/lib/enforcer/errors");
const { KIND_INFO } = await import("@/lib/schemas/alerts");
type AlertKind = import("@/lib/schemas/alerts").AlertKind;

const NOW = Date.now();
const NOW_MIN = Math.floor(NOW / 60_000);
const MINUTES = 1440;

/** Rollup rows generated inside the database (recursive CTE / generate_series): no 2 M-row round trip. */
async function generate(): Promise<{ rows: number; events: number }> {
  const client = db();
  const idp = await client.idpProfile.create({
    data: {
      name: "bench",
      kind: "oidc",
      settings: "{}",
      issuers: "[]",
      discoveryUrl: "https://x/",
      jwksUri: "https://x/j",
    },
  });
  for (let r = 0; r < RESOURCES; r++)
    await client.mcpResource.create({
      data: { id: `res${r}`, name: `res${r}`, uri: `https://r${r}.example.com/mcp`, idpProfileId: idp.id, draft: "{}" },
    });
  // (type, outcome, reason, dim, dimValue, count, h4 [obo latencies ≤ 50 ms], h9 [≤ 2000 ms])
  const shapes: [string, string, string, string, string, number, number, number][] = [
    ["decision", "allow", "", "all", "", 52, 0, 0],
    ["decision", "deny", "token_expired", "all", "", 3, 0, 0],
    ["decision", "deny", "audience_mismatch", "all", "", 2, 0, 0],
    ["decision", "deny", "unknown_kid", "all", "", 1, 0, 0],
    ["rate_limit", "hit", "tool", "client", "agent-1", 2, 0, 0],
    ["rate_limit", "hit", "tool", "client", "agent-2", 1, 0, 0],
    ["rate_limit", "hit", "tool", "client", "agent-3", 1, 0, 0],
    ["rate_limit", "hit", "resource", "client", "agent-4", 1, 0, 0],
    ["jwks_refresh", "ok", "forced", "all", "", 1, 0, 0],
    ["obo_exchange", "ok", "exchange", "all", "", 4, 3, 1],
    ["new_token", "new", "", "client", "agent-1", 1, 0, 0],
    ["new_token", "new", "", "client", "agent-2", 1, 0, 0],
  ];
  const values = shapes
    .map(([t, o, re, d, dv, c, h4, h9]) => `('${t}','${o}','${re}','${d}','${dv}',${c},${h4},${h9})`)
    .join(",");
  const cols = `"grain","bucket","resourceId","type","outcome","reason","dim","dimValue","count","latencySum","h4","h9"`;
  const pgSql = (grain: number, from: number, n: number, step: number, per: string) => `
    INSERT INTO "TelemetryRollup" (${cols})
    SELECT ${grain}, ${from} + m * ${step}, 'res' || r, s.t, s.o, s.re, s.d, s.dv, ${per}, s.h4 * 20 + s.h9 * 1500, s.h4, s.h9
    FROM generate_series(0, ${n - 1}) AS m, generate_series(0, ${RESOURCES - 1}) AS r,
         (VALUES ${values}) AS s(t, o, re, d, dv, c, h4, h9) ${grain === 60 ? "WHERE s.t = 'new_token'" : ""}`;
  const sqliteSql = (grain: number, from: number, n: number, step: number, per: string) => `
    WITH RECURSIVE mm(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM mm WHERE m < ${n - 1}),
         rr(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM rr WHERE r < ${RESOURCES - 1}),
         s(t, o, re, d, dv, c, h4, h9) AS (VALUES ${values})
    INSERT INTO "TelemetryRollup" (${cols})
    SELECT ${grain}, ${from} + m * ${step}, 'res' || r, t, o, re, d, dv, ${per}, h4 * 20 + h9 * 1500, h4, h9
    FROM mm, rr, s ${grain === 60 ? "WHERE t = 'new_token'" : "WHERE true"}`;
  const sql = dialect === "postgres" ? pgSql : sqliteSql;
  await client.$executeRawUnsafe(sql(1, NOW_MIN - MINUTES + 1, MINUTES, 1, "c"));
  const hourStart = NOW_MIN - (NOW_MIN % 60);
  await client.$executeRawUnsafe(
    sql(60, hourStart - 7 * 1440, 7 * 24, 60, dialect === "postgres" ? "s.c * 60" : "c * 60"),
  );
  const rows = await client.telemetryRollup.count();
  const perMinute = shapes.reduce((s, x) => s + x[5], 0);
  return { rows, events: perMinute * MINUTES * RESOURCES };
}

async function makeRules(): Promise<number> {
  await ensureDefaultAlertRules();
  await db().alertRule.updateMany({ data: { enabled: true } }); // every fleet rule on
  // Overrides: (kind, reason) combinations × resources, until 200 rules in all.
  const combos: [AlertKind, string][] = [
    ["auth_failures", ""],
    ["rate_limit_client", ""],
    ["obo_p99", ""],
    ["jwks_forced_refresh", ""],
    ["token_refresh_spike", ""],
    ["obo_error_rate", ""],
    ["jwks_unavailable", ""],
    ...ALL_REASON_CODES.map((reason): [AlertKind, string] => ["auth_failures", reason]),
  ];
  let n = await db().alertRule.count();
  for (let i = 0; n < 200; i++) {
    const [kind, reason] = combos[Math.floor(i / RESOURCES) % combos.length] ?? ["auth_failures", ""];
    const resourceId = `res${i % RESOURCES}`;
    await db().alertRule.create({
      data: {
        kind,
        reason,
        resourceId,
        name: `${kind} ${reason} ${resourceId}`,
        threshold: kind === "auth_failures" ? 5 : KIND_INFO[kind].threshold / 2,
        windowMin: KIND_INFO[kind].windowMin,
      },
    });
    n++;
  }
  return n;
}

async function evaluation() {
  const samples: number[] = [];
  let first = 0;
  let opened = 0;
  for (let i = 0; i < CYCLES; i++) {
    const r = await evaluateAlerts({ now: new Date(NOW + i * 1000) });
    if (i === 0) {
      first = r.durationMs;
      opened = r.transitions.opened;
    } else samples.push(r.durationMs);
  }
  const [low, high] = bootstrapMedianInterval(samples);
  return { firstCycleMs: first, alertsOpened: opened, steadyMedianMs: median(samples), low, high, cycles: CYCLES };
}

/** 50 webhook channels on one alert; one receiver never answers. When did the 49 others arrive? */
async function fanOut() {
  const received: number[] = [];
  let started = 0;
  const fast = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.push(performance.now() - started);
      res.writeHead(204).end();
    });
  });
  const hang = createServer((req) => req.resume()); // never answers
  await new Promise<void>((r) => fast.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
  const port = (s: typeof fast) => (s.address() as AddressInfo).port;
  const rule = await db().alertRule.findFirstOrThrow({ where: { resourceId: "" } });
  const alert = await db().alert.create({
    data: { ruleId: rule.id, state: "firing", severity: "critical", value: 1, threshold: 1, summary: "bench" },
  });
  for (let i = 0; i < 50; i++) {
    const id = `bench-ch-${i}`;
    const target = i === 0 ? port(hang) : port(fast);
    await db().alertChannel.create({
      data: {
        id,
        name: id,
        kind: "webhook",
        target: "loopback",
        configEnc: sealConfig(id, { url: `http://127.0.0.1:${target}/hook`, signingSecret: newSigningSecret() }),
      },
    });
    await db().alertDelivery.create({
      data: {
        alertId: alert.id,
        channelId: id,
        event: "firing",
        payload: JSON.stringify({
          type: "alert.firing",
          alert: { id: alert.id, summary: "bench", rule: { name: "bench" } },
        }),
      },
    });
  }
  // Control: 49 plain concurrent fetches to the same receiver (what the machine itself costs).
  const plainStart = performance.now();
  await Promise.all(
    Array.from({ length: 49 }, () => fetch(`http://127.0.0.1:${port(fast)}/plain`, { method: "POST", body: "{}" })),
  );
  const plainFetchMs = performance.now() - plainStart;
  received.length = 0;
  started = performance.now();
  const result = await deliverDue({ timeoutMs: 5_000 });
  const totalMs = performance.now() - started;
  fast.closeAllConnections();
  hang.closeAllConnections();
  fast.close();
  hang.close();
  received.sort((a, b) => a - b);
  return {
    channels: 50,
    delivered: result.delivered,
    failed: result.failed,
    lastOf49Ms: received[48] ?? Number.NaN,
    medianMs: median(received),
    deliverDueMs: totalMs,
    plainFetchMs,
  };
}

log(`generating rollups for ${RESOURCES} resources × 24 h…`);
const t0 = performance.now();
const data = await generate();
log(
  `${data.rows.toLocaleString("en-US")} rollup rows (≈ ${data.events.toLocaleString("en-US")} events) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const rules = await makeRules();
log(`${rules} rules; evaluating ${CYCLES} cycles…`);
const evaluationResult = await evaluation();
log("fan-out to 50 channels, one hanging…");
const fan = await fanOut();
process.stdout.write(`RESULT ${JSON.stringify({ dialect, data, rules, evaluation: evaluationResult, fanOut: fan })}\n`);
await db().$disconnect();
if (!process.env.BENCH_KEEP) await dropBenchDatabase(dialect, DB_NAME);
process.exit(0);
