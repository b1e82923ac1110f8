import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ReasonCode } from "../errors.js";
import {
  createDecisionRecorder,
  DECISION_BATCH_MAX_MS,
  DECISION_BATCH_SIZE,
  DECISION_TIMING_BUDGET,
  DECISION_TIMING_WINDOW_MS,
  decisionSources,
} from "./decision.js";
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

/** A sink that takes decisions in batches (as the shipped client and metrics do) and keeps a copy of each. */
function batched(): TelemetrySink & { seen: DecisionEvent[]; drain(): void } {
  const sources = decisionSources();
  const sink = keeping("sampled");
  return { ...sink, attachDecisionSource: sources.attach, drain: sources.drain };
}

describe("the decision recorder's batches (a sink with attachDecisionSource)", () => {
  it("hands decisions over 64 at a time, each as it was recorded, in order", () => {
    const sink = batched();
    const recorder = createDecisionRecorder(sink);
    const one = (i: number) => {
      const info = {
        auth: { token: { clientId: `agent-${i}`, subject: `user-${i}` }, cacheHit: i % 2 === 0 },
        method: "tools/call",
        tool: `tool-${i}`,
        ...(i % 3 === 0 ? { clientName: "claude-code", clientVersion: `1.${i}` } : {}),
      };
      recorder.record(
        RESOURCE,
        i % 5 === 0 ? "deny" : "allow",
        i % 5 === 0 ? ReasonCode.InsufficientScope : undefined,
        info,
        recorder.start(1_000 + i),
        1_000 + i,
      );
    };
    for (let i = 0; i < DECISION_BATCH_SIZE - 1; i++) one(i);
    expect(sink.seen).toHaveLength(0);
    one(DECISION_BATCH_SIZE - 1);
    expect(sink.seen).toHaveLength(DECISION_BATCH_SIZE);
    for (const [i, e] of sink.seen.entries()) {
      expect(e).toEqual({
        type: "decision",
        at: 1_000 + i,
        outcome: i % 5 === 0 ? "deny" : "allow",
        reason: i % 5 === 0 ? ReasonCode.InsufficientScope : undefined,
        resource: RESOURCE,
        clientId: `agent-${i}`,
        subject: `user-${i}`,
        method: "tools/call",
        tool: `tool-${i}`,
        latencyMs: e.latencyMs,
        cacheHit: i % 2 === 0,
        clientName: i % 3 === 0 ? "claude-code" : undefined,
        clientVersion: i % 3 === 0 ? `1.${i}` : undefined,
      });
      expect(e.latencyMs >= 0 || Number.isNaN(e.latencyMs)).toBe(true);
    }
    // The next decisions start a new batch.
    one(100);
    expect(sink.seen).toHaveLength(DECISION_BATCH_SIZE);
    sink.drain();
    expect(sink.seen).toHaveLength(DECISION_BATCH_SIZE + 1);
    expect(sink.seen.at(-1)).toMatchObject({ at: 1_100, subject: "user-100" });
  });

  it("hands a partial batch over when the sink drains it, and 50 ms after its first decision otherwise", () => {
    vi.useFakeTimers();
    try {
      const sink = batched();
      const recorder = createDecisionRecorder(sink);
      recorder.record(RESOURCE, "allow", undefined, facts, recorder.start(1), 1);
      sink.drain();
      expect(sink.seen.map((e) => e.at)).toEqual([1]);
      sink.drain(); // nothing waits: nothing more
      expect(sink.seen).toHaveLength(1);

      recorder.record(RESOURCE, "allow", undefined, facts, recorder.start(2), 2);
      recorder.record(RESOURCE, "allow", undefined, facts, recorder.start(3), 3);
      vi.advanceTimersByTime(DECISION_BATCH_MAX_MS - 1);
      expect(sink.seen).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(sink.seen.map((e) => e.at)).toEqual([1, 2, 3]);
      // A drained batch leaves no timer behind.
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives a sink without attachDecisionSource each decision at once", () => {
    const sink = keeping("sampled");
    const recorder = createDecisionRecorder(sink);
    recorder.record(RESOURCE, "allow", undefined, facts, recorder.start(7), 7);
    expect(sink.seen.map((e) => e.at)).toEqual([7]);
  });
});
