import { describe, expect, it } from "vitest";
import { createEnforcerMetrics } from "./metrics.js";
import type { DecisionEvent, TelemetryEvent } from "./types.js";

const base = { at: 1, resource: "https://mcp.example.com/mcp", latencyMs: 1 } as const;

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("enforcer metrics", () => {
  it("counts a decision handed over as the enforcer's reused record as it counts an emitted one", () => {
    const viaRecord = createEnforcerMetrics();
    const viaEmit = createEnforcerMetrics();
    const record = {
      ...base,
      type: "decision",
      outcome: "allow",
      method: "tools/call",
      tool: "read_file",
    } as DecisionEvent;
    for (const [outcome, tool, reason] of [
      ["allow", "read_file", undefined],
      ["allow", "search", undefined],
      ["deny", "write_file", "insufficient_scope"],
    ] as const) {
      Object.assign(record, { outcome, tool, reason, cacheHit: false });
      viaRecord.decision?.(record);
      viaEmit.emit({ ...record });
    }
    expect(viaRecord.render()).toBe(viaEmit.render());
    expect(sample(viaRecord.render(), 'mcp_tool_invocation_total{tool="search"}')).toBe(1);
  });

  it("counts decisions, refreshes, tools, JWKS, OBO and rate limits under the DOMAIN.md names", () => {
    const m = createEnforcerMetrics();
    const events: TelemetryEvent[] = [
      { ...base, type: "decision", outcome: "allow", method: "tools/call", tool: "read_file", cacheHit: false },
      { ...base, type: "decision", outcome: "allow", method: "tools/call", tool: "read_file", cacheHit: true },
      { ...base, type: "decision", outcome: "allow", method: "tools/list", cacheHit: true },
      { ...base, type: "decision", outcome: "deny", reason: "token_expired" },
      { ...base, type: "decision", outcome: "deny", reason: "token_expired" },
      { ...base, type: "decision", outcome: "deny", reason: "audience_mismatch" },
      { type: "jwks_refresh", at: 1, trigger: "forced", outcome: "ok", issuer: "i", latencyMs: 3, keyCount: 2 },
      { type: "obo_exchange", at: 1, downstream: "graph", outcome: "ok", cacheHit: false, latencyMs: 120 },
      { type: "obo_exchange", at: 1, downstream: "graph", outcome: "ok", cacheHit: false, latencyMs: 2500 },
      { type: "obo_exchange", at: 1, downstream: "graph", outcome: "ok", cacheHit: true, latencyMs: 0 },
      { type: "rate_limit", at: 1, clientId: "agent-1", category: "tool", resource: base.resource },
    ];
    for (const e of events) m.emit(e);
    const text = m.render();
    expect(sample(text, "mcp_auth_success_total")).toBe(3);
    expect(sample(text, 'mcp_auth_failure_total{reason="token_expired"}')).toBe(2);
    expect(sample(text, 'mcp_auth_failure_total{reason="audience_mismatch"}')).toBe(1);
    expect(sample(text, "mcp_token_refresh_total")).toBe(1);
    expect(sample(text, 'mcp_tool_invocation_total{tool="read_file"}')).toBe(2);
    expect(sample(text, 'mcp_jwks_refresh_total{trigger="forced",outcome="ok"}')).toBe(1);
    expect(sample(text, 'mcp_rate_limit_hit_total{client="agent-1",category="tool"}')).toBe(1);
    // Histogram of IdP round trips only (cache hits excluded), cumulative buckets.
    expect(sample(text, 'mcp_obo_exchange_latency_ms_bucket{downstream="graph",le="250"}')).toBe(1);
    expect(sample(text, 'mcp_obo_exchange_latency_ms_bucket{downstream="graph",le="2000"}')).toBe(1);
    expect(sample(text, 'mcp_obo_exchange_latency_ms_bucket{downstream="graph",le="5000"}')).toBe(2);
    expect(sample(text, 'mcp_obo_exchange_latency_ms_bucket{downstream="graph",le="+Inf"}')).toBe(2);
    expect(sample(text, 'mcp_obo_exchange_latency_ms_count{downstream="graph"}')).toBe(2);
    expect(sample(text, 'mcp_obo_exchange_latency_ms_sum{downstream="graph"}')).toBe(2620);
    expect(sample(text, 'mcp_obo_exchange_total{downstream="graph",outcome="ok",cache="hit"}')).toBe(1);
    expect(text).toContain("# TYPE mcp_obo_exchange_latency_ms histogram");
    expect(text).not.toContain("alice");
  });

  it("bounds label cardinality: clients and tools past the cap fold into other; subjects never appear", () => {
    const m = createEnforcerMetrics({ maxClients: 2, maxTools: 1 });
    for (const c of ["a", "b", "c", "d"]) {
      m.emit({ type: "rate_limit", at: 1, clientId: c, category: "tool", resource: "r" });
      m.emit({
        ...base,
        type: "decision",
        outcome: "allow",
        method: "tools/call",
        tool: `t-${c}`,
        subject: `user-${c}`,
      });
    }
    const text = m.render();
    expect(sample(text, 'mcp_rate_limit_hit_total{client="a",category="tool"}')).toBe(1);
    expect(sample(text, 'mcp_rate_limit_hit_total{client="other",category="tool"}')).toBe(2);
    expect(sample(text, 'mcp_tool_invocation_total{tool="other"}')).toBe(3);
    expect(text).not.toMatch(/user-/);
    expect(text.split("\n").filter((l) => l.startsWith("mcp_rate_limit_hit_total"))).toHaveLength(3);
  });

  it("escapes label values and reports the telemetry queue", async () => {
    const m = createEnforcerMetrics({ telemetry: { stats: () => ({ queued: 7, dropped: 3, rejected: 1 }) } });
    m.emit({ type: "rate_limit", at: 1, clientId: 'x"y\\z\nw', category: "tool", resource: "r" });
    const text = m.render();
    expect(text).toContain('client="x\\"y\\\\z\\nw"');
    expect(sample(text, "mcp_telemetry_queue_depth")).toBe(7);
    expect(sample(text, 'mcp_telemetry_dropped_events_total{cause="queue_full"}')).toBe(3);
    expect(sample(text, 'mcp_telemetry_dropped_events_total{cause="rejected"}')).toBe(1);
    const res = m.response();
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toBe(text);
  });

  it("reports zero for unlabelled counters before any event", () => {
    const text = createEnforcerMetrics().render();
    expect(sample(text, "mcp_auth_success_total")).toBe(0);
    expect(sample(text, "mcp_token_refresh_total")).toBe(0);
  });
});
