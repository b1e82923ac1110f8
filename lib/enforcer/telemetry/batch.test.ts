import { describe, expect, it } from "vitest";
import { TelemetryBuffer, TelemetrySegment } from "./batch.js";
import type { TelemetryEvent } from "./types.js";

const decision = (i: number): TelemetryEvent => ({
  type: "decision",
  at: 1_700_000_000_000 + i,
  outcome: i % 5 === 0 ? "deny" : "allow",
  resource: "https://mcp.example.com/mcp",
  clientId: "agent-1",
  subject: `user-${i % 3}`,
  method: "tools/call",
  tool: "read_file",
  latencyMs: 0.25,
  ...(i % 2 ? { clientName: "claude", clientVersion: "1.0" } : {}),
});
const jwks: TelemetryEvent = {
  type: "jwks_refresh",
  at: 1,
  trigger: "forced",
  outcome: "ok",
  issuer: "i",
  latencyMs: 3,
};

describe("telemetry segments across the worker boundary", () => {
  it("a detached segment rebuilt on the other side encodes the same batch, its buffer transferred", () => {
    const q = new TelemetryBuffer(10, 4);
    for (let i = 0; i < 6; i++) q.push(decision(i));
    q.push(jwks);
    const [full, partial] = [q.takeSegments(false), q.takeSegments(true)];
    expect(full.map((s) => s.length)).toEqual([4]);
    expect(partial.map((s) => s.length)).toEqual([3]);
    for (const segment of [...full, ...partial]) {
      const wire = segment.toWire({ id: "i" });
      const { data, transfer } = segment.detach();
      const copy = structuredClone(data, { transfer });
      expect(transfer[0]?.byteLength).toBe(0); // moved, not copied
      expect(TelemetrySegment.attach(copy).toWire({ id: "i" })).toBe(wire);
    }
    expect(q.length).toBe(0);
  });

  it("append keeps at most capacity events, dropping the oldest and counting them", () => {
    const source = new TelemetryBuffer(100, 4);
    for (let i = 0; i < 8; i++) source.push(decision(i));
    const target = new TelemetryBuffer(5, 4);
    for (const s of source.takeSegments(true)) target.append(s);
    expect([target.length, target.dropped]).toEqual([5, 3]);
    const wire = JSON.parse(target.take().toWire({})) as { decisions: { n: number; atBase: number } };
    expect(wire.decisions).toMatchObject({ n: 1, atBase: 1_700_000_000_003 });
  });

  it("reuses a sent segment's column buffer for the next segment instead of allocating one", () => {
    const q = new TelemetryBuffer(100, 4);
    for (let i = 0; i < 4; i++) q.push(decision(i));
    const sent = q.take();
    const buffer = sent.release();
    q.recycle(buffer);
    q.recycle(new ArrayBuffer(8)); // not a column buffer of this size: ignored
    for (let i = 0; i < 2; i++) q.push(decision(i));
    expect(q.take().detach().data.buffer).toBe(buffer);
  });
});
