/**
 * Prometheus metrics of one enforcer, with the names of DOMAIN.md. Hand-written text exposition
 * (format 0.0.4) rather than prom-client: `lib/enforcer` may depend only on jose and zod, the metric
 * set is fixed and small, and an O(1) Map update per event is all the hot path can afford. The
 * output is plain Prometheus text, so any scraper (or prom-client's own registry merge) reads it.
 *
 * Label cardinality is bounded: no subjects ever; clients, tools and downstreams are capped per
 * family (first come, first kept) and the rest fold into "other".
 */
import type { TelemetryEvent, TelemetrySink } from "./types.js";

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

type Labels = Record<string, string>;

class Family {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly type: "counter" | "gauge",
    readonly help: string,
    /** Unlabelled families report 0 before their first event, so alerts have a series to read. */
    readonly unlabelled = false,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

class Histogram {
  readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { buckets: new Array<number>(TELEMETRY_LATENCY_BUCKETS_MS.length).fill(0), sum: 0, count: 0 };
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
    true,
  );
  const failure = new Family("mcp_auth_failure_total", "counter", "Requests refused, by reason code.");
  const refresh = new Family(
    "mcp_token_refresh_total",
    "counter",
    "Access tokens accepted for the first time (verified-token cache miss): each client token refresh shows up here.",
    true,
  );
  const jwks = new Family("mcp_jwks_refresh_total", "counter", "JWKS fetches, by trigger and outcome.");
  const obo = new Family("mcp_obo_exchange_total", "counter", "OBO token exchanges, by downstream, outcome and cache.");
  const oboLatency = new Histogram("mcp_obo_exchange_latency_ms", "OBO exchange time at the IdP (cache misses), ms.");
  const tools = new Family("mcp_tool_invocation_total", "counter", "Allowed tools/call requests, by tool.");
  const rateLimit = new Family("mcp_rate_limit_hit_total", "counter", "Rate-limit rejections, by client and category.");

  function emit(e: TelemetryEvent): void {
    switch (e.type) {
      case "decision":
        if (e.outcome === "allow") {
          success.inc();
          if (e.cacheHit === false) refresh.inc();
          if (e.tool !== undefined && e.method === "tools/call") tools.inc({ tool: tool(e.tool) });
        } else {
          failure.inc({ reason: reason(e.reason) });
        }
        return;
      case "jwks_refresh":
        jwks.inc({ trigger: e.trigger, outcome: e.outcome });
        return;
      case "obo_exchange": {
        const d = downstream(e.downstream);
        obo.inc({ downstream: d, outcome: e.outcome, cache: e.cacheHit ? "hit" : "miss" });
        if (!e.cacheHit) oboLatency.observe({ downstream: d }, e.latencyMs);
        return;
      }
      case "rate_limit":
        rateLimit.inc({ client: client(e.clientId), category: e.category });
        return;
    }
  }

  function render(): string {
    const out: string[] = [];
    for (const f of [success, failure, refresh, jwks, obo, tools, rateLimit]) writeFamily(out, f);
    writeHistogram(out, oboLatency);
    const stats = options.telemetry?.stats();
    if (stats) {
      const depth = new Family("mcp_telemetry_queue_depth", "gauge", "Telemetry events waiting to be sent.");
      depth.inc({}, stats.queued);
      const dropped = new Family("mcp_telemetry_dropped_events_total", "counter", "Telemetry events lost, by cause.");
      dropped.inc({ cause: "queue_full" }, stats.dropped);
      dropped.inc({ cause: "rejected" }, stats.rejected);
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
    contentType,
    render,
    response: () => new Response(render(), { headers: { "content-type": contentType, "cache-control": "no-store" } }),
  };
}

function writeFamily(out: string[], f: Family): void {
  out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
  if (f.values.size === 0 && f.unlabelled) out.push(`${f.name} 0`);
  for (const [labels, value] of f.values) out.push(`${f.name}${labels} ${value}`);
}

function writeHistogram(out: string[], h: Histogram): void {
  out.push(`# HELP ${h.name} ${h.help}`, `# TYPE ${h.name} histogram`);
  for (const [labels, s] of h.series) {
    const inner = labels.slice(1, -1);
    let cumulative = 0;
    TELEMETRY_LATENCY_BUCKETS_MS.forEach((le, i) => {
      cumulative += s.buckets[i] ?? 0;
      out.push(`${h.name}_bucket{${inner},le="${le}"} ${cumulative}`);
    });
    out.push(`${h.name}_bucket{${inner},le="+Inf"} ${s.count}`);
    out.push(`${h.name}_sum${labels} ${s.sum}`, `${h.name}_count${labels} ${s.count}`);
  }
}

/** `{a="x",b="y"}` with Prometheus escaping (backslash, quote, newline); "" without labels. */
function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
