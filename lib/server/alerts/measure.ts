import "server-only";
import { type AlertKind, KIND_INFO } from "@/lib/schemas/alerts";
import { signingKeyExpiresAt } from "../config/signing-key";
import type { Tx } from "../db";
import { SILENT_AFTER_MS } from "../enforcers/instances";
import { quantile } from "../telemetry/histogram";
import { HIST_BUCKETS } from "../telemetry/rows";
import { num, type RollupQuery, type RollupReader, rollupSums } from "./rollup-reads";

/**
 * What each rule kind measures, read from the per-minute (and, for baselines, hourly) rollups with
 * one grouped range read per rule on the rollup primary key (grain, type, dim, bucket, …): never
 * raw events. Enforcer liveness, config lag and credential expiry read their own small tables.
 * A rule yields one observation per (resource, key) whose condition holds; the lifecycle treats
 * every other open alert of the rule as "condition false".
 */
export interface Observation {
  resourceId: string;
  key: string;
  value: number;
  /** The threshold the value was compared with (for a spike rule: N × the baseline). */
  threshold: number;
  summary: string;
}
export interface MeasuredRule {
  kind: AlertKind;
  reason: string;
  resourceId: string;
  threshold: number;
  windowMin: number;
}
export interface MeasureContext {
  now: Date;
  /** Resources that have their own rule of this kind and reason: a fleet rule leaves them alone. */
  overridden: ReadonlySet<string>;
  resourceName: (id: string) => string;
  /** The cycle's shared rollup reads (see {@link createRollupReader}); without it each rule reads alone. */
  sums?: RollupReader;
}

/** Token-refresh spikes need at least this many new tokens in the hour (DOMAIN.md: 10 refreshes/hour per client). */
export const TOKEN_SPIKE_FLOOR = 10;
const FORCED_TRIGGER = "forced";

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** Measure one rule. Pure reads; `c` is the evaluator's connection (its transaction on PostgreSQL). */
export async function measureRule(c: Tx, rule: MeasuredRule, ctx: MeasureContext): Promise<Observation[]> {
  const nowMin = Math.floor(ctx.now.getTime() / 60_000);
  const from = nowMin - rule.windowMin;
  const scope = rule.resourceId ? { resourceId: rule.resourceId } : {};
  const inScope = (resourceId: string) =>
    rule.resourceId ? resourceId === rule.resourceId : !ctx.overridden.has(resourceId);
  const info = KIND_INFO[rule.kind];
  const holds = (v: number, t = rule.threshold) => (info.op === ">" ? v > t : info.op === ">=" ? v >= t : v <= t);
  const out: Observation[] = [];
  const push = (resourceId: string, key: string, value: number, what: string) => {
    if (!inScope(resourceId) || !holds(value)) return;
    out.push({
      resourceId,
      key,
      value,
      threshold: rule.threshold,
      summary: `${what}: ${fmt(value)} ${info.unit} on ${ctx.resourceName(resourceId)} (threshold ${info.op} ${fmt(rule.threshold)})`,
    });
  };
  const base = { grain: 1, fromBucket: from, toBucket: nowMin, ...scope };
  const sums = ctx.sums ?? ((o: RollupQuery, by: string[], hist?: boolean) => rollupSums(c, o, by, hist));

  switch (rule.kind) {
    case "auth_failures": {
      const reasons = rule.reason ? [rule.reason] : undefined;
      const rows = await sums({ ...base, type: "decision", dim: "all", outcome: "deny", reasons }, ["resourceId"]);
      const what = rule.reason ? `${info.title} (${rule.reason})` : info.title;
      for (const r of rows) push(String(r.resourceId), "", num(r.n) / rule.windowMin, what);
      return out;
    }
    case "jwks_forced_refresh": {
      const rows = await sums({ ...base, type: "jwks_refresh", dim: "all", reasons: [FORCED_TRIGGER] }, ["resourceId"]);
      for (const r of rows) push(String(r.resourceId), "", num(r.n) / rule.windowMin, info.title);
      return out;
    }
    case "jwks_unavailable": {
      const [denied, failed] = await Promise.all([
        sums({ ...base, type: "decision", dim: "all", outcome: "deny", reasons: ["jwks_unavailable"] }, ["resourceId"]),
        sums({ ...base, type: "jwks_refresh", dim: "all", outcome: "error" }, ["resourceId"]),
      ]);
      const total = new Map<string, number>();
      for (const r of [...denied, ...failed])
        total.set(String(r.resourceId), (total.get(String(r.resourceId)) ?? 0) + num(r.n));
      for (const [id, n] of total) push(id, "", n, info.title);
      return out;
    }
    case "obo_p99":
    case "obo_error_rate": {
      const rows = await sums(
        { ...base, type: "obo_exchange", dim: "all", reasons: ["exchange"] },
        ["resourceId", "outcome"],
        rule.kind === "obo_p99",
      );
      const byResource = new Map<string, { n: number; errors: number; hist: number[] }>();
      for (const r of rows) {
        const id = String(r.resourceId);
        const acc = byResource.get(id) ?? { n: 0, errors: 0, hist: new Array<number>(HIST_BUCKETS).fill(0) };
        acc.n += num(r.n);
        if (r.outcome === "error") acc.errors += num(r.n);
        for (let i = 0; i < HIST_BUCKETS; i++) acc.hist[i] = (acc.hist[i] ?? 0) + num(r[`h${i}`]);
        byResource.set(id, acc);
      }
      for (const [id, acc] of byResource) {
        if (rule.kind === "obo_p99") {
          const p99 = quantile(0.99, acc.hist);
          if (p99) push(id, "", p99.ms, info.title);
        } else if (acc.n > 0) {
          push(id, "", (100 * acc.errors) / acc.n, info.title);
        }
      }
      return out;
    }
    case "rate_limit_client": {
      const rows = await sums({ ...base, type: "rate_limit", dim: "client" }, ["resourceId", "dimValue"]);
      const perClient = new Map<string, number>();
      for (const r of rows) {
        const k = `${r.resourceId}\u0001${r.dimValue}`;
        perClient.set(k, (perClient.get(k) ?? 0) + num(r.n));
      }
      for (const [k, n] of perClient) {
        const [id = "", client = ""] = k.split("\u0001");
        push(id, client, n / rule.windowMin, `${info.title} (client ${client})`);
      }
      return out;
    }
    case "token_refresh_spike":
      return tokenSpikes(c, rule, ctx, nowMin, inScope);
    case "enforcer_silent": {
      const rows = await c.enforcerInstance.findMany({
        where: {
          ...scope,
          lastSeenAt: {
            gte: new Date(ctx.now.getTime() - 24 * 3600_000),
            lt: new Date(ctx.now.getTime() - rule.threshold * 60_000),
          },
        },
        select: { id: true, resourceId: true, host: true, lastSeenAt: true },
      });
      for (const r of rows) {
        const minutes = Math.floor((ctx.now.getTime() - r.lastSeenAt.getTime()) / 60_000);
        const instance = r.id.slice(r.resourceId.length + 1);
        push(r.resourceId, instance, minutes, `${info.title} (${instance} on ${r.host})`);
      }
      return out;
    }
    case "enforcer_stale_config": {
      const [instances, latest] = await Promise.all([
        c.enforcerInstance.findMany({
          where: { ...scope, lastSeenAt: { gte: new Date(ctx.now.getTime() - SILENT_AFTER_MS) } },
          select: { id: true, resourceId: true, appliedVersion: true },
        }),
        c.configVersion.groupBy({ by: ["resourceId"], where: scope, _max: { version: true } }),
      ]);
      const latestOf = new Map(latest.map((l) => [l.resourceId, l._max.version ?? 0]));
      for (const i of instances) {
        const lag = (latestOf.get(i.resourceId) ?? 0) - (i.appliedVersion ?? 0);
        push(i.resourceId, i.id.slice(i.resourceId.length + 1), lag, info.title);
      }
      return out;
    }
    case "credential_expiring": {
      const rows = await c.enforcerCredential.findMany({
        where: {
          ...scope,
          revokedAt: null,
          expiresAt: { not: null, lte: new Date(ctx.now.getTime() + rule.threshold * 86_400_000) },
        },
        select: { id: true, resourceId: true, name: true, expiresAt: true },
      });
      const daysLeft = (at: Date) => Math.round((at.getTime() - ctx.now.getTime()) / 8_640_000) / 10;
      for (const r of rows) push(r.resourceId, r.id, daysLeft(r.expiresAt ?? ctx.now), `Enforcer credential ${r.name}`);
      // The control plane's config signing key belongs to the fleet: only a fleet-wide rule watches it.
      if (!rule.resourceId) {
        const keys = await c.signingKey.findMany({
          where: { status: "active" },
          select: { kid: true, createdAt: true },
        });
        for (const k of keys) {
          const days = daysLeft(signingKeyExpiresAt(k.createdAt));
          if (!holds(days)) continue;
          out.push({
            resourceId: "",
            key: `signing-key:${k.kid}`,
            value: days,
            threshold: rule.threshold,
            summary: `Config signing key ${k.kid} expires in ${fmt(days)} days (threshold ${info.op} ${fmt(rule.threshold)}); it is rotated automatically at the first publish after that`,
          });
        }
      }
      return out;
    }
  }
}

/**
 * New access tokens per client in the last hour (the "new_token" rollups: verified-token cache
 * misses) against the client's mean per hour over the 7 days before; fires above N × baseline and
 * at least TOKEN_SPIKE_FLOOR tokens, so a quiet new client does not page anyone.
 */
async function tokenSpikes(
  c: Tx,
  rule: MeasuredRule,
  ctx: MeasureContext,
  nowMin: number,
  inScope: (id: string) => boolean,
): Promise<Observation[]> {
  const scope = rule.resourceId ? { resourceId: rule.resourceId } : {};
  const sums = ctx.sums ?? ((o: RollupQuery, by: string[], hist?: boolean) => rollupSums(c, o, by, hist));
  const current = await sums(
    { grain: 1, type: "new_token", dim: "client", fromBucket: nowMin - 60, toBucket: nowMin, ...scope },
    ["resourceId", "dimValue"],
  );
  const hot = current.filter((r) => num(r.n) >= TOKEN_SPIKE_FLOOR && inScope(String(r.resourceId)));
  if (hot.length === 0) return [];
  const hourStart = nowMin - (nowMin % 60);
  const baseline = await rollupSums(
    c,
    {
      grain: 60,
      type: "new_token",
      dim: "client",
      fromBucket: hourStart - 7 * 1440 - 1,
      toBucket: hourStart - 1,
      ...scope,
      dimValues: [...new Set(hot.map((r) => String(r.dimValue)))],
    },
    ["resourceId", "dimValue"],
  );
  const base = new Map(baseline.map((r) => [`${r.resourceId}\u0001${r.dimValue}`, num(r.n) / (7 * 24)]));
  const out: Observation[] = [];
  for (const r of hot) {
    const n = num(r.n);
    const limit = rule.threshold * (base.get(`${r.resourceId}\u0001${r.dimValue}`) ?? 0);
    if (n <= limit) continue;
    const client = String(r.dimValue);
    out.push({
      resourceId: String(r.resourceId),
      key: client,
      value: n,
      threshold: Math.round(limit * 10) / 10,
      summary: `Token refresh spike (client ${client}): ${n} new tokens in the last hour on ${ctx.resourceName(String(r.resourceId))}, ${rule.threshold}× the 7-day hourly baseline is ${fmt(limit)}`,
    });
  }
  return out;
}
