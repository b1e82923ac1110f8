/**
 * Prometheus metrics of one enforcer, with the names of DOMAIN.md. Hand-written text exposition
 * (format 0.0.4) rather than prom-client: `lib/enforcer` may depend only on jose and zod, the metric
 * set is fixed and small, and an O(1) Map update per event is all the hot path can afford. The
 * output is plain Prometheus text, so any scraper (or prom-client's own registry merge) reads it.
 *
 * Label cardinality is bounded: no subjects ever; clients, tools and downstreams are capped per
 * family (first come, first kept) and the rest fold into "other".
 */
import { decisionSources } from "./decision.js";
import type { DecisionEvent, TelemetryEvent, TelemetrySink } from "./types.js";

/** Latency histogram bounds in ms (`le`), shared with the control plane's rollups. @example TELEMETRY_LATENCY_BUCKETS_MS.length // 11 */
export const TELEMETRY_LATENCY_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000] as const;

/**
 * Options of {@link createEnforcerMetrics}.
 *
 * @example
 * const opts: EnforcerMetricsOptions = { maxClients: 50, telemetry };
 */
export interface EnforcerMetricsOptions {
  /** Distinct client label values kept. Default 100. */
  maxClients?: number;
  /** Distinct tool label values kept. Default 200. */
  maxTools?: number;
  /** Distinct OBO downstream label values kept. Default 50. */
  maxDownstreams?: number;
  /** The telemetry client, for the queue depth and drop counters. */
  telemetry?: { stats(): { queued: number; dropped: number; rejected: number } };
}

/**
 * A telemetry sink that counts, plus the exposition.
 *
 * @example
 * const metrics = createEnforcerMetrics({ telemetry });
 * app.get("/metrics", (_req, res) => res.type(metrics.contentType).send(metrics.render()));
 */
export interface EnforcerMetrics extends TelemetrySink {
  readonly contentType: string;
  /** The Prometheus text exposition. */
  render(): string;
  /** `render()` as a Fetch response. */
  response(): Response;
}

const NO_LABELS: readonly string[] = [];

/**
 * A counter or gauge family. Series are keyed by their raw label values; the escaped label text is
 * built once, when a series first appears, not on every increment (this runs once per request).
 */
class Family {
  readonly values = new Map<string, { labels: string; value: number }>();
  constructor(
    readonly name: string,
    readonly type: "counter" | "gauge",
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}
  inc(values: readonly string[] = NO_LABELS, by = 1): void {
    const key = values.length === 1 ? (values[0] ?? "") : values.length === 0 ? "" : values.join("\u0001");
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels: labelText(this.labelNames, values), value: by });
  }

  /** `inc([value])` for a one-label family without building the array when the series exists (the request path). */
  inc1(value: string): void {
    const entry = this.values.get(value);
    if (entry) entry.value++;
    else this.inc([value]);
  }
}

class Histogram {
  readonly series = new Map<string, { labels: string; buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}
  observe(values: readonly string[], value: number): void {
    const key = values.join("\u0001");
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: labelText(this.labelNames, values),
        buckets: new Array<number>(TELEMETRY_LATENCY_BUCKETS_MS.length).fill(0),
        sum: 0,
        count: 0,
      };
      this.series.set(key, s);
    }
    const i = TELEMETRY_LATENCY_BUCKETS_MS.findIndex((le) => value <= le);
    if (i >= 0) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }
}

/** Keeps the first `max` distinct values of a label; later ones become "other". */
function labelCap(max: number): (value: string | undefined) => string {
  const seen = new Set<string>();
  return (value) => {
    if (value !== undefined && seen.has(value)) return value; // the request path: a known label
    const v = (value || "unknown").slice(0, 128);
    if (seen.has(v)) return v;
    if (seen.size >= max) return "other";
    seen.add(v);
    return v;
  };
}

/**
 * Creates the metrics sink. Combine it with the network client through `fanOutSink`.
 *
 * @example
 * const metrics = createEnforcerMetrics();
 * const enforcer = createEnforcer({ policy, sink: fanOutSink(metrics, telemetry) });
 * // GET /metrics → metrics.response()
 */
export function createEnforcerMetrics(options: EnforcerMetricsOptions = {}): EnforcerMetrics {
  const client = labelCap(options.maxClients ?? 100);
  const tool = labelCap(options.maxTools ?? 200);
  const downstream = labelCap(options.maxDownstreams ?? 50);
  const reason = labelCap(64); // the ReasonCode enumeration is ~25 values; the cap guards against garbage
  const success = new Family(
    "mcp_auth_success_total",
    "counter",
    "Requests that passed authentication and authorization.",
  );
  const failure = new Family("mcp_auth_failure_total", "counter", "Requests refused, by reason code.", ["reason"]);
  const refresh = new Family(
    "mcp_token_refresh_total",
    "counter",
    "Access tokens accepted for the first time (verified-token cache miss): each client token refresh shows up here.",
  );
  const jwks = new Family("mcp_jwks_refresh_total", "counter", "JWKS fetches, by trigger and outcome.", [
    "trigger",
    "outcome",
  ]);
  const obo = new Family(
    "mcp_obo_exchange_total",
    "counter",
    "OBO token exchanges, by downstream, outcome and cache.",
    ["downstream", "outcome", "cache"],
  );
  const oboLatency = new Histogram("mcp_obo_exchange_latency_ms", "OBO exchange time at the IdP (cache misses), ms.", [
    "downstream",
  ]);
  const tools = new Family("mcp_tool_invocation_total", "counter", "Allowed tools/call requests, by tool.", ["tool"]);
  const rateLimit = new Family(
    "mcp_rate_limit_hit_total",
    "counter",
    "Rate-limit rejections, by client and category.",
    ["client", "category"],
  );

  // Reads the fields and keeps nothing: safe with the enforcer's reused record (TelemetrySink.decision).
  function decision(e: Readonly<DecisionEvent>): void {
    if (e.outcome === "allow") {
      success.inc();
      if (e.cacheHit === false) refresh.inc();
      if (e.tool !== undefined && e.method === "tools/call") tools.inc1(tool(e.tool));
    } else {
      failure.inc1(reason(e.reason));
    }
  }

  function emit(e: TelemetryEvent): void {
    switch (e.type) {
      case "decision":
        decision(e);
        return;
      case "jwks_refresh":
        jwks.inc([e.trigger, e.outcome]);
        return;
      case "obo_exchange": {
        const d = downstream(e.downstream);
        obo.inc([d, e.outcome, e.cacheHit ? "hit" : "miss"]);
        if (!e.cacheHit) oboLatency.observe([d], e.latencyMs);
        return;
      }
      case "rate_limit":
        rateLimit.inc([client(e.clientId), e.category]);
        return;
    }
  }

  /** The enforcers' tables of decisions not yet handed over (decision.ts): drained before anything is read. */
  const sources = decisionSources();
  function render(): string {
    sources.drain();
    const out: string[] = [];
    for (const f of [success, failure, refresh, jwks, obo, tools, rateLimit]) writeFamily(out, f);
    writeHistogram(out, oboLatency);
    const stats = options.telemetry?.stats();
    if (stats) {
      const depth = new Family("mcp_telemetry_queue_depth", "gauge", "Telemetry events waiting to be sent.");
      depth.inc([], stats.queued);
      const dropped = new Family("mcp_telemetry_dropped_events_total", "counter", "Telemetry events lost, by cause.", [
        "cause",
      ]);
      dropped.inc(["queue_full"], stats.dropped);
      dropped.inc(["rejected"], stats.rejected);
      writeFamily(out, depth);
      writeFamily(out, dropped);
    }
    return `${out.join("\n")}\n`;
  }

  const contentType = "text/plain; version=0.0.4; charset=utf-8";
  return {
    emit(event) {
      try {
        emit(event);
      } catch {
        // Never let a metric break a request.
      }
    },
    decision,
    // No metric reads a decision's latency.
    decisionTiming: "sampled",
    // Decisions come in batches; `render` takes the waiting ones first, so a scrape never lags.
    attachDecisionSource: sources.attach,
    contentType,
    render,
    response: () => new Response(render(), { headers: { "content-type": contentType, "cache-control": "no-store" } }),
  };
}

function writeFamily(out: string[], f: Family): void {
  out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
  // An unlabelled family reports 0 before its first event, so alerts have a series to read.
  if (f.values.size === 0 && f.labelNames.length === 0) out.push(`${f.name} 0`);
  for (const { labels, value } of f.values.values()) out.push(`${f.name}${labels} ${value}`);
}

function writeHistogram(out: string[], h: Histogram): void {
  out.push(`# HELP ${h.name} ${h.help}`, `# TYPE ${h.name} histogram`);
  for (const s of h.series.values()) {
    const inner = s.labels.slice(1, -1);
    let cumulative = 0;
    TELEMETRY_LATENCY_BUCKETS_MS.forEach((le, i) => {
      cumulative += s.buckets[i] ?? 0;
      out.push(`${h.name}_bucket{${inner},le="${le}"} ${cumulative}`);
    });
    out.push(`${h.name}_bucket{${inner},le="+Inf"} ${s.count}`);
    out.push(`${h.name}_sum${s.labels} ${s.sum}`, `${h.name}_count${s.labels} ${s.count}`);
  }
}

/** `{a="x",b="y"}` with Prometheus escaping (backslash, quote, newline); "" without labels. */
function labelText(names: readonly string[], values: readonly string[]): string {
  const parts = names.map(
    (k, i) => `${k}="${(values[i] ?? "").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
