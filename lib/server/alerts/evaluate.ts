import "server-only";
import type { AlertKind } from "@/lib/schemas/alerts";
import { type Db, db, type Tx } from "../db";
import { isPostgres } from "../env";
import { applyPlans, type Plan } from "./apply-plans";
import { alertKey, FLAP_WINDOW_MS, type OpenAlert, planTransitions, type Step } from "./lifecycle";
import { measureRule, type Observation } from "./measure";
import { createRollupReader } from "./rollup-reads";

/**
 * One evaluation cycle over every enabled rule. Exactly one evaluator at a time for the whole
 * control plane: on PostgreSQL the cycle runs in one transaction holding a transaction-level
 * advisory lock (`pg_try_advisory_xact_lock`: a replica that cannot take it skips the cycle and
 * never waits; the lock dies with the transaction, so a crashed replica cannot keep it); a replica
 * that takes it right after another one finished skips too (AlertEvaluatorState.lastRunAt). On
 * SQLite (one process by design) an in-process flag does the same, and the writes of a cycle share
 * one short transaction while its reads stay outside it, so telemetry ingest is never held up.
 */
export const EVALUATOR_LOCK_KEY = 727350111;
const STATE_ID = "evaluator";

export interface CycleResult {
  ran: boolean;
  skipped?: "locked" | "recent";
  rules: number;
  transitions: { opened: number; fired: number; resolved: number; dropped: number; renotified: number };
  notifications: number;
  durationMs: number;
}
export interface EvaluateOptions {
  now?: Date;
  /** Skip when the last cycle (any replica) ran less than this long before `now`. */
  minIntervalMs?: number;
  client?: Db;
}

let sqliteBusy = false;

export async function evaluateAlerts(opts: EvaluateOptions = {}): Promise<CycleResult> {
  const client = opts.client ?? db();
  const now = opts.now ?? new Date();
  const started = performance.now();
  const empty = { opened: 0, fired: 0, resolved: 0, dropped: 0, renotified: 0 };
  const skip = (skipped: "locked" | "recent"): CycleResult => ({
    ran: false,
    skipped,
    rules: 0,
    transitions: empty,
    notifications: 0,
    durationMs: performance.now() - started,
  });
  const isRecent = async (c: Tx) => {
    const state = await c.alertEvaluatorState.findUnique({ where: { id: STATE_ID } });
    if (state === null) return false;
    // A last run "in the future" (another replica's clock, a test's clock) never blocks this one.
    const since = now.getTime() - state.lastRunAt.getTime();
    return since >= 0 && since < (opts.minIntervalMs ?? 0);
  };

  if (isPostgres()) {
    return client.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
          "SELECT pg_try_advisory_xact_lock($1) AS locked",
          EVALUATOR_LOCK_KEY,
        );
        if (!row?.locked) return skip("locked");
        if (await isRecent(tx)) return skip("recent");
        const plans = await planCycle(tx, now);
        const result = await applyPlans(tx, plans, now);
        await recordRun(tx, now, performance.now() - started);
        return { ran: true, rules: plans.length, ...result, durationMs: performance.now() - started };
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  }
  if (sqliteBusy) return skip("locked");
  sqliteBusy = true;
  try {
    if (await isRecent(client)) return skip("recent");
    const plans = await planCycle(client, now);
    const result = await client.$transaction(async (tx) => {
      const r = await applyPlans(tx, plans, now);
      await recordRun(tx, now, performance.now() - started);
      return r;
    });
    return { ran: true, rules: plans.length, ...result, durationMs: performance.now() - started };
  } finally {
    sqliteBusy = false;
  }
}

async function recordRun(tx: Tx, now: Date, durationMs: number): Promise<void> {
  const data = { lastRunAt: now, lastDurationMs: Math.round(durationMs) };
  await tx.alertEvaluatorState.upsert({ where: { id: STATE_ID }, create: { id: STATE_ID, ...data }, update: data });
}

/** Reads only: rules, open alerts, recent fires, and each rule's observations. */
async function planCycle(c: Tx, now: Date): Promise<Plan[]> {
  const rules = await c.alertRule.findMany();
  const enabled = rules.filter((r) => r.enabled);
  if (enabled.length === 0) return [];
  const overrides = new Map<string, Set<string>>();
  for (const r of rules) {
    if (!r.resourceId) continue;
    const k = `${r.kind}/${r.reason}`;
    overrides.set(k, (overrides.get(k) ?? new Set()).add(r.resourceId));
  }
  const [open, recent, resources] = await Promise.all([
    c.alert.findMany({
      where: { state: { in: ["pending", "firing", "acknowledged"] } },
      select: {
        id: true,
        ruleId: true,
        resourceId: true,
        key: true,
        state: true,
        startedAt: true,
        firedAt: true,
        lastTrueAt: true,
        lastNotifiedAt: true,
        value: true,
        threshold: true,
        summary: true,
      },
    }),
    c.alert.groupBy({
      by: ["ruleId", "resourceId", "key"],
      where: { firedAt: { gte: new Date(now.getTime() - FLAP_WINDOW_MS) } },
      _count: { _all: true },
    }),
    c.mcpResource.findMany({ select: { id: true, name: true } }),
  ]);
  const names = new Map(resources.map((r) => [r.id, r.name]));
  const plans: Plan[] = [];
  // Rules of one kind, reason and window share their rollup read (a fleet rule and its overrides).
  const sums = createRollupReader(c);
  for (const rule of enabled) {
    const observations = await measureRule(
      c,
      { ...rule, kind: rule.kind as AlertKind },
      {
        now,
        overridden: rule.resourceId ? new Set() : (overrides.get(`${rule.kind}/${rule.reason}`) ?? new Set()),
        resourceName: (id) => names.get(id) ?? id,
        sums,
      },
    );
    const mine = open.filter((a) => a.ruleId === rule.id) as OpenAlert[];
    const fires = new Map(
      recent.filter((r) => r.ruleId === rule.id).map((r) => [alertKey(r.resourceId, r.key), r._count._all]),
    );
    const current = new Map(open.filter((a) => a.ruleId === rule.id).map((a) => [a.id, a]));
    plans.push({ rule, steps: planTransitions(rule, mine, observations, fires, now), current });
  }
  // Alerts of rules that were disabled or deleted meanwhile resolve on their own.
  const live = new Set(enabled.map((r) => r.id));
  const orphans = open.filter((a) => !live.has(a.ruleId) && a.state !== "pending");
  for (const rule of rules.filter((r) => !live.has(r.id))) {
    const steps = orphans
      .filter((a) => a.ruleId === rule.id)
      .map((a): Step<Observation> => ({ op: "resolve", id: a.id }));
    const pendings = open.filter((a) => a.ruleId === rule.id && a.state === "pending");
    for (const p of pendings) steps.push({ op: "drop", id: p.id });
    if (steps.length) plans.push({ rule, steps, current: new Map() });
  }
  return plans;
}
