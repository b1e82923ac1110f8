import { describe, expect, it } from "vitest";
import { encodeTelemetryBatch } from "./batch.js";
import type { TelemetryEvent } from "./types.js";
import { type DecisionColumns, decodeDecisionColumns, encodeInt32Column, RLE_PREFIX } from "./wire.js";

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

  it("sends an untimed decision (latency NaN) as -1 and decodes it without a latency", () => {
    const events = [decision(1), decision(2, { latencyMs: Number.NaN }), decision(3)];
    const { decisions, body } = decode(encodeTelemetryBatch(undefined, events));
    expect(decisions[0]?.latencyMs).toBe(0.012);
    expect("latencyMs" in (decisions[1] as object)).toBe(false);
    expect(decisions[1]).toMatchObject({ outcome: "allow", clientId: "agent-0", tool: "search" });
    expect(decisions[2]?.latencyMs).toBe(0.037);
    const column = Buffer.from((body.decisions as DecisionColumns).latencyUs, "base64");
    expect([0, 1, 2].map((i) => column.readInt32LE(4 * i))).toEqual([12, -1, 37]);
  });

  it("run-length codes the repetitive columns of an agent session and decodes them exactly", () => {
    // One agent, one user, one tool; outcomes in runs: what a batch from one busy session looks like.
    const events = Array.from({ length: 1000 }, (_, i) =>
      decision(i, {
        outcome: i >= 600 && i < 640 ? "deny" : "allow",
        reason: i >= 600 && i < 640 ? "insufficient_scope" : undefined,
        clientId: "agent-1",
        subject: "alice",
        tool: "read_file",
        cacheHit: i !== 0,
      }),
    );
    const json = encodeTelemetryBatch(undefined, events);
    const columns = (JSON.parse(json) as { decisions: DecisionColumns }).decisions;
    for (const name of ["outcome", "reason", "clientId", "subject", "method", "tool", "cacheHit"] as const)
      expect(columns[name].startsWith(RLE_PREFIX), name).toBe(true);
    expect(columns.latencyUs.startsWith(RLE_PREFIX)).toBe(false); // varied values stay plain
    expect(decode(json).decisions).toEqual(events.map(expected));
    // The plain form of the same batch is over three times larger.
    expect(json.length * 3).toBeLessThan(9 * 1000 * 4 * (4 / 3));
  });

  it("chooses the shorter form per column", () => {
    expect(encodeInt32Column(new Int32Array([7, 7, 7, 7, 7, 7, 7, 7]))).toBe("rle:BwAAAAgAAAA=");
    const varied = new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(encodeInt32Column(varied)).toBe(Buffer.from(varied.buffer).toString("base64"));
    expect(encodeInt32Column(new Int32Array(0))).toBe("");
  });

  const rle = (ints: number[]) => RLE_PREFIX + Buffer.from(new Int32Array(ints).buffer).toString("base64");
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
    ["runs adding up to less than n", (c: DecisionColumns) => ({ ...c, method: rle([0, 1]) })],
    ["runs adding up to more than n", (c: DecisionColumns) => ({ ...c, method: rle([0, 3]) })],
    ["a run of length zero", (c: DecisionColumns) => ({ ...c, method: rle([0, 0, 0, 2]) })],
    ["a run of negative length", (c: DecisionColumns) => ({ ...c, method: rle([0, 1, 0, -1]) })],
    ["a torn (value, count) pair", (c: DecisionColumns) => ({ ...c, method: rle([0]) })],
    ["run-length text that is not base64", (c: DecisionColumns) => ({ ...c, method: `${RLE_PREFIX}!!` })],
  ])("refuses %s with a TypeError", (_, mutate) => {
    expect(() => decodeDecisionColumns(mutate(good()), 1000)).toThrow(TypeError);
  });
});

describe("clientInfo columns (issue 22)", () => {
  it("carry the client's name and version, and stay out of batches that have none", () => {
    const events = [
      decision(1, { clientName: "Claude Desktop", clientVersion: "2.4.1" }),
      decision(2),
      decision(3, { clientName: "mcp-remote" }),
    ];
    const { decisions, body } = decode(encodeTelemetryBatch({ id: "i-1" }, events));
    expect(decisions.map((d) => [d.clientName, d.clientVersion])).toEqual([
      ["Claude Desktop", "2.4.1"],
      [undefined, undefined],
      ["mcp-remote", undefined],
    ]);
    expect(Object.keys(body.decisions as object)).toContain("clientName");
    const without = decode(encodeTelemetryBatch({ id: "i-1" }, [decision(1), decision(2)]));
    expect(Object.keys(without.body.decisions as object)).not.toContain("clientName");
    expect(without.decisions.every((d) => !("clientName" in d))).toBe(true);
  });
});
