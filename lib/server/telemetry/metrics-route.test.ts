import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { createTestResource } from "./test-fixtures";

const TOKEN = "metrics-token-0123456789";

describe("GET /api/metrics", () => {
  it("needs the METRICS_TOKEN bearer and exposes fleet totals fed by ingest", async () => {
    vi.stubEnv("METRICS_TOKEN", TOKEN);
    vi.resetModules(); // env() is parsed once per module graph
    const { GET } = await import("@/app/api/metrics/route");
    const { ingestBatch } = await import("./ingest");
    const { resourceId } = await createTestResource();
    const at = Date.now();
    await ingestBatch({
      resourceId,
      idempotencyKey: randomUUID(),
      instanceId: "i",
      events: [
        ...[1, 2, 3].map(() => ({
          type: "decision" as const,
          at,
          outcome: "deny" as const,
          reason: "token_expired",
          latencyMs: 1,
        })),
        { type: "decision", at, outcome: "allow", method: "tools/call", tool: "read_file", latencyMs: 1 },
        { type: "obo_exchange", at, downstream: "graph", outcome: "ok", cacheHit: false, latencyMs: 300 },
        { type: "rate_limit", at, clientId: "agent-9", category: "tool" },
      ],
    });
    const get = (auth?: string) =>
      GET(new Request("http://127.0.0.1/api/metrics", { headers: auth ? { authorization: auth } : {} }));

    expect((await get()).status).toBe(401);
    expect((await get("Bearer wrong-token-wrong-token")).status).toBe(401);
    const res = await get(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const r = `resource_id="${resourceId}"`;
    expect(text).toContain(`portcullis_fleet_auth_failure_total{${r},reason="token_expired"} 3`);
    expect(text).toContain(`portcullis_fleet_auth_success_total{${r}} 1`);
    expect(text).toContain(`portcullis_fleet_tool_invocation_total{${r},tool="read_file",outcome="allow"} 1`);
    expect(text).toContain(`portcullis_fleet_rate_limit_hit_total{${r},client="agent-9",category="tool"} 1`);
    expect(text).toContain("# TYPE portcullis_fleet_obo_exchange_latency_ms histogram");
    expect(text).toContain(`portcullis_fleet_obo_exchange_latency_ms_bucket{${r},downstream="graph",le="250"} 0`);
    expect(text).toContain(`portcullis_fleet_obo_exchange_latency_ms_bucket{${r},downstream="graph",le="500"} 1`);
    expect(text).toContain(`portcullis_fleet_obo_exchange_latency_ms_count{${r},downstream="graph"} 1`);
    expect(text).toContain("portcullis_enforcer_auth_rejected_total"); // the config API's metrics, same registry
    vi.unstubAllEnvs();
  });
});
