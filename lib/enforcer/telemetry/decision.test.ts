import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDecisionRecorder, DECISION_TIMING_BUDGET, DECISION_TIMING_WINDOW_MS } from "./decision.js";
import type { DecisionEvent, TelemetrySink } from "./types.js";

const RESOURCE = "https://mcp.example.com/mcp";
const facts = { auth: { token: { clientId: "agent", subject: "user-1" }, cacheHit: true }, method: "tools/call" };

/** A sink that keeps a copy of each decision (the recorder reuses its record). */
function keeping(decisionTiming?: "sampled"): TelemetrySink & { seen: DecisionEvent[] } {
  const seen: DecisionEvent[] = [];
  return {
    seen,
    emit: () => {},
    decision: (e) => void seen.push({ ...e }),
    ...(decisionTiming ? { decisionTiming } : {}),
  };
}

/** Runs `count` decisions at `nowMs`; returns how many read the monotonic clock. */
function decide(recorder: ReturnType<typeof createDecisionRecorder>, count: number, nowMs: number): number {
  const clock = vi.spyOn(performance, "now");
  try {
    for (let i = 0; i < count; i++) {
      const started = recorder.start(nowMs);
      recorder.record(RESOURCE, "allow", undefined, facts, started, nowMs);
    }
    return clock.mock.calls.length;
  } finally {
    clock.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("the decision recorder's timing", () => {
  it("times every decision for a sink that does not declare sampled timing", () => {
    const sink = keeping();
    const recorder = createDecisionRecorder(sink);
    expect(decide(recorder, 200, 1_000)).toBe(400);
    expect(sink.seen).toHaveLength(200);
    for (const e of sink.seen) {
      expect(Number.isFinite(e.latencyMs) && e.latencyMs >= 0).toBe(true);
      expect(e).toMatchObject({ at: 1_000, outcome: "allow", clientId: "agent", subject: "user-1", cacheHit: true });
    }
  });

  it("times the first 32 decisions of each 100 ms window for a sampled sink, and reads no clock for the rest", () => {
    const sink = keeping("sampled");
    const recorder = createDecisionRecorder(sink);
    const t0 = 1_764_000_000_000;
    expect(decide(recorder, 200, t0)).toBe(2 * DECISION_TIMING_BUDGET);
    const timed = (from: number) => sink.seen.slice(from).filter((e) => !Number.isNaN(e.latencyMs)).length;
    expect(timed(0)).toBe(DECISION_TIMING_BUDGET);
    // Timed ones come first; every decision is still recorded, stamped with the reading it was given.
    expect(sink.seen.slice(0, DECISION_TIMING_BUDGET).every((e) => e.latencyMs >= 0)).toBe(true);
    expect(sink.seen.slice(DECISION_TIMING_BUDGET).every((e) => Number.isNaN(e.latencyMs))).toBe(true);
    expect(sink.seen.every((e) => e.at === t0)).toBe(true);

    // Still inside the window: nothing more is timed.
    expect(decide(recorder, 10, t0 + DECISION_TIMING_WINDOW_MS - 1)).toBe(0);
    // The next window has a fresh budget.
    let from = sink.seen.length;
    expect(decide(recorder, 50, t0 + DECISION_TIMING_WINDOW_MS)).toBe(2 * DECISION_TIMING_BUDGET);
    expect(timed(from)).toBe(DECISION_TIMING_BUDGET);
    // A clock stepped back (NTP) opens a window at once instead of waiting for the old one's end.
    from = sink.seen.length;
    expect(decide(recorder, 5, t0 - 60_000)).toBe(10);
    expect(timed(from)).toBe(5);
  });

  it("times every decision of a quiet enforcer (below the budget per window)", () => {
    const sink = keeping("sampled");
    const recorder = createDecisionRecorder(sink);
    for (let w = 0; w < 10; w++) decide(recorder, DECISION_TIMING_BUDGET, 5_000 + w * DECISION_TIMING_WINDOW_MS);
    expect(sink.seen).toHaveLength(10 * DECISION_TIMING_BUDGET);
    expect(sink.seen.every((e) => e.latencyMs >= 0)).toBe(true);
  });
});
