import { describe, expect, it } from "vitest";
import { createRecordingSink, noopSink, safeEmit } from "./sink.js";
import type { TelemetryEvent } from "./types.js";

const event: TelemetryEvent = { type: "rate_limit", at: 1, clientId: "c", category: "tool", resource: "r" };

describe("telemetry sinks", () => {
  it("records, filters by type and stays bounded", () => {
    const sink = createRecordingSink(2);
    sink.emit(event);
    sink.emit({ ...event, at: 2 });
    sink.emit({ type: "obo_exchange", at: 3, downstream: "d", outcome: "ok", cacheHit: false, latencyMs: 1 });
    expect(sink.events.map((e) => e.at)).toEqual([2, 3]);
    expect(sink.ofType("obo_exchange")).toHaveLength(1);
    sink.clear();
    expect(sink.events).toHaveLength(0);
  });

  it("safeEmit swallows a throwing sink and tolerates none", () => {
    expect(() =>
      safeEmit(
        {
          emit() {
            throw new Error("boom");
          },
        },
        event,
      ),
    ).not.toThrow();
    expect(() => safeEmit(undefined, event)).not.toThrow();
    expect(() => safeEmit(noopSink, event)).not.toThrow();
  });
});
