import "server-only";
import { Gauge } from "prom-client";
import { TELEMETRY_LATENCY_BUCKETS_MS } from "@/lib/enforcer/telemetry/metrics";
import { db } from "../db";
import { SILENT_AFTER_MS } from "../enforcers/instances";
import { counter, registered, registry } from "../prom";
import type { RollupRow } from "./rows";

/**
 * Fleet metrics on prom-client's default registry (served by /api/metrics with the config metrics).
 * Counters are fed with each stored batch's per-minute rollup increments, after commit. Reading
 * totals back from the rollup table instead would make them drop at every retention pass, which
 * Prometheus takes for a counter reset and turns into a spike in rate(); in-process counters only
 * reset on restart, which rate() handles, and several replicas simply add up (sum by resource_id).
 * Label values are bounded: reasons are an enumeration; tools, clients and downstreams are capped per
 * resource (issue 10 #12: with one global cap, one resource's junk pushed another's real tools into "other"),
 * and what was folded is counted.
 */
export const LABEL_CAP_PER_RESOURCE = 200;

const success = counter("portcullis_fleet_auth_success_total", "Allowed requests reported by enforcers", [
  "resource_id",
]);
const failure = counter("portcullis_fleet_auth_failure_total", "Refused requests reported by enforcers, by reason", [
  "resource_id",
  "reason",
]);
const jwks = counter("portcullis_fleet_jwks_refresh_total", "JWKS refreshes reported by enforcers", [
  "resource_id",
  "trigger",
  "outcome",
]);
const tools = counter("portcullis_fleet_tool_invocation_total", "tools/call requests reported by enforcers", [
  "resource_id",
  "tool",
  "outcome",
]);
const limits = counter("portcullis_fleet_rate_limit_hit_total", "Rate-limit rejections reported by enforcers", [
  "resource_id",
  "client",
  "category",
]);
/**
 * prom-client's Histogram only takes single observations; rollups arrive as bucket counts. This is a
 * minimal registry metric (the `get()` shape prom-client's registry formats) holding those counts.
 */
class BucketHistogram {
  readonly name = "portcullis_fleet_obo_exchange_latency_ms";
  readonly help = "OBO exchange time at the IdP reported by enforcers (cache misses), ms";
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly labelNames = ["resource_id", "downstream"];
  readonly series = new Map<
    string,
    { labels: Record<string, string>; buckets: number[]; sum: number; count: number }
  >();
  add(labels: Record<string, string>, hist: readonly number[], sum: number): void {
    const key = JSON.stringify(labels);
    const s = this.series.get(key) ?? { labels, buckets: new Array<number>(hist.length).fill(0), sum: 0, count: 0 };
    hist.forEach((c, i) => {
      s.buckets[i] = (s.buckets[i] ?? 0) + c;
    });
    s.sum += sum;
    s.count += hist.reduce((a, b) => a + b, 0);
    this.series.set(key, s);
  }
  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      TELEMETRY_LATENCY_BUCKETS_MS.forEach((le, i) => {
        cumulative += s.buckets[i] ?? 0;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: "+Inf" }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
  reset(): void {
    this.series.clear();
  }
}

const obo = registered("portcullis_fleet_obo_exchange_latency_ms", () => {
  const h = new BucketHistogram();
  registry.registerMetric(h as unknown as Parameters<typeof registry.registerMetric>[0]);
  return h;
});
registered(
  "portcullis_fleet_enforcers_online",
  () =>
    new Gauge({
      name: "portcullis_fleet_enforcers_online",
      help: "Enforcer instances seen in the last 2 minutes",
      labelNames: ["resource_id"],
      registers: [registry],
      async collect() {
        const rows = await db().enforcerInstance.groupBy({
          by: ["resourceId"],
          where: { lastSeenAt: { gte: new Date(Date.now() - SILENT_AFTER_MS) } },
          _count: { _all: true },
        });
        this.reset();
        for (const r of rows) this.set({ resource_id: r.resourceId }, r._count._all);
      },
    }),
);

const labelFolded = counter(
  "portcullis_fleet_label_folded_total",
  'Label values folded into "other" on this endpoint (per-resource label cap)',
  ["resource_id", "label"],
);
const telemetryFolded = counter(
  "portcullis_fleet_telemetry_folded_total",
  'Telemetry values stored as "other" by the intake\'s cardinality caps (client, tool, downstream, instance)',
  ["resource_id", "dim"],
);

/** Counts values the intake folded (lib/server/telemetry/cardinality.ts). */
export function recordFolded(resourceId: string, folded: Partial<Record<string, number>>): void {
  for (const [dim, n] of Object.entries(folded)) if (n) telemetryFolded.inc({ resource_id: resourceId, dim }, n);
}

const seen = new Map<string, Set<string>>();
/** Keeps the first LABEL_CAP_PER_RESOURCE values of a label per resource; later ones fold into "other". */
function cap(label: string, resourceId: string, value: string): string {
  const key = `${label}\n${resourceId}`;
  const set = seen.get(key) ?? new Set<string>();
  seen.set(key, set);
  if (set.has(value)) return value;
  if (set.size >= LABEL_CAP_PER_RESOURCE) {
    labelFolded.inc({ resource_id: resourceId, label });
    return "other";
  }
  set.add(value);
  return value;
}

/** Adds one stored batch's rollup increments (only the 1-minute grain, so nothing counts twice). */
export function recordFleetMetrics(rollups: readonly RollupRow[]): void {
  for (const r of rollups) {
    if (r.grain !== 1) continue;
    const resource_id = r.resourceId;
    if (r.type === "decision" && r.dim === "all") {
      if (r.outcome === "allow") success.inc({ resource_id }, r.count);
      else failure.inc({ resource_id, reason: cap("reason", resource_id, r.reason) }, r.count);
    } else if (r.type === "decision" && r.dim === "tool") {
      tools.inc({ resource_id, tool: cap("tool", resource_id, r.dimValue), outcome: r.outcome }, r.count);
    } else if (r.type === "jwks_refresh") {
      jwks.inc({ resource_id, trigger: r.reason, outcome: r.outcome }, r.count);
    } else if (r.type === "rate_limit" && r.dim === "client") {
      limits.inc({ resource_id, client: cap("client", resource_id, r.dimValue), category: r.reason }, r.count);
    } else if (r.type === "obo_exchange" && r.dim === "downstream" && r.reason === "exchange") {
      obo.add({ resource_id, downstream: cap("downstream", resource_id, r.dimValue) }, r.hist, r.latencySum);
    }
  }
}
