import { describe, expect, it } from "vitest";
import { encodeTelemetryBatch } from "./telemetry-batch.js";
import { type DecisionColumns, decodeDecisionColumns } from "./telemetry-wire.js";
import type { TelemetryEvent } from "./types.js";

const RESOURCE = "https://mcp.example.com/mcp";
const decision = (i: number, extra: Partial<Extract<TelemetryEvent, { type: "decision" }>> = {}): TelemetryEvent => ({
  type: "decision",
  at: 1_764_000_000_000 + i * 7,
  outcome: i % 3 === 0 ? "deny" : "allow",
  reason: i % 3 === 0 ? "token_expired" : undefined,
  resource: RESOURCE,
  clientId: `agent-${i % 2}`,
  subject: i % 5 === 0 ? undefined : `user-${i % 4}`,
  method: "tools/call",
  tool: i % 2 ? "read_file" : "search",
  latencyMs: 0.0123 * i,
  cacheHit: i % 4 === 0 ? undefined : i % 2 === 0,
  ...extra,
});

function decode(json: string): {
  decisions: Record<string, unknown>[];
  events: unknown[];
  body: Record<string, unknown>;
} {
  const body = JSON.parse(json) as { decisions?: DecisionColumns; events: unknown[] };
  return { decisions: body.decisions ? decodeDecisionColumns(body.decisions, 1000) : [], events: body.events, body };
}

/** What the control plane should see for an event: no resource, absent members absent, latency to the µs. */
function expected(e: TelemetryEvent): Record<string, unknown> {
  const { resource: _r, ...rest } = e as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...out, latencyMs: Math.round((e as { latencyMs: number }).latencyMs * 1000) / 1000 };
}

describe("telemetry wire format", () => {
  it("round-trips 1,000 decisions through the columns, field by field", () => {
    const events = Array.from({ length: 1000 }, (_, i) => decision(i));
    const { decisions, events: others, body } = decode(encodeTelemetryBatch({ id: "i-1" }, events));
    expect(body.instance).toEqual({ id: "i-1" });
    expect(others).toEqual([]);
    expect(decisions).toEqual(events.map(expected));
  });

  it("keeps other event types as objects beside the decision columns", () => {
    const jwks: TelemetryEvent = {
      type: "jwks_refresh",
      at: 5,
      trigger: "forced",
      outcome: "ok",
      keyCount: 2,
      issuer: "https://idp/",
      latencyMs: 12.3456789,
    };
    const limit: TelemetryEvent = { type: "rate_limit", at: 6, clientId: "a", category: "tool", resource: RESOURCE };
    const { decisions, events } = decode(encodeTelemetryBatch(undefined, [decision(1), jwks, decision(2), limit]));
    expect(decisions).toEqual([expected(decision(1)), expected(decision(2))]);
    expect(events).toEqual([
      { ...jwks, latencyMs: 12.346 },
      { type: "rate_limit", at: 6, clientId: "a", category: "tool" },
    ]);
  });

  it("is less than half the JSON of the same decisions as objects", () => {
    const events = Array.from({ length: 1000 }, (_, i) => decision(i));
    const columns = encodeTelemetryBatch(undefined, events).length;
    const objects = JSON.stringify({ events: events.map(expected) }).length;
    expect(columns * 2).toBeLessThan(objects);
  });

  it("clamps latencies beyond int32 microseconds instead of wrapping", () => {
    const { decisions } = decode(encodeTelemetryBatch(undefined, [decision(1, { latencyMs: 3_000_000 })]));
    expect(decisions[0]?.latencyMs).toBe(2_147_483.647);
  });

  const good = () =>
    (JSON.parse(encodeTelemetryBatch(undefined, [decision(1), decision(2)])) as { decisions: DecisionColumns })
      .decisions;
  it.each([
    ["n above the batch limit", (c: DecisionColumns) => ({ ...c, n: 1001 })],
    ["n not matching the columns", (c: DecisionColumns) => ({ ...c, n: 3 })],
    ["a column that is not base64", (c: DecisionColumns) => ({ ...c, tool: "not base64!" })],
    ["a short column", (c: DecisionColumns) => ({ ...c, subject: Buffer.alloc(4).toString("base64") })],
    ["an index outside the dictionary", (c: DecisionColumns) => ({ ...c, strings: [] })],
    ["a non-string in the dictionary", (c: DecisionColumns) => ({ ...c, strings: [1] as unknown as string[] })],
    ["a fractional atBase", (c: DecisionColumns) => ({ ...c, atBase: 1.5 })],
  ])("refuses %s with a TypeError", (_, mutate) => {
    expect(() => decodeDecisionColumns(mutate(good()), 1000)).toThrow(TypeError);
  });
});
