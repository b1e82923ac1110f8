/**
 * Telemetry sinks. The enforcer only ever calls `emit` through {@link safeEmit}: a sink that throws
 * must not turn an allowed request into a 500, and a slow one must not delay it (sinks queue and
 * flush elsewhere; the network client comes with the telemetry issue).
 */
import type { TelemetryEvent, TelemetrySink } from "./types.js";

/**
 * A sink that drops everything (the default).
 *
 * @example
 * createEnforcer({ policy, sink: noopSink });
 */
export const noopSink: TelemetrySink = { emit: () => undefined };

/**
 * Emits to a sink, swallowing anything it throws.
 *
 * @example
 * safeEmit(sink, { type: "rate_limit", at: Date.now(), clientId, category: "tool", resource });
 */
export function safeEmit(sink: TelemetrySink | undefined, event: TelemetryEvent): void {
  if (!sink) return;
  try {
    sink.emit(event);
  } catch {
    // Telemetry is best effort by design (ARCHITECTURE.md flow 4: never block on telemetry).
  }
}

/** A sink that keeps events in memory (tests, the demo, the token debugger). @example sink.ofType("jwks_refresh").length */
export interface RecordingSink extends TelemetrySink {
  readonly events: TelemetryEvent[];
  /** Events of one type, narrowed. */
  ofType<T extends TelemetryEvent["type"]>(type: T): Extract<TelemetryEvent, { type: T }>[];
  clear(): void;
}

/**
 * Records events in an array, keeping the newest `max` (default 10,000) so a long run cannot grow
 * memory without bound.
 *
 * @example
 * const sink = createRecordingSink();
 * await enforcer.handle(req, next);
 * expect(sink.ofType("decision")[0]?.outcome).toBe("allow");
 */
export function createRecordingSink(max = 10_000): RecordingSink {
  const events: TelemetryEvent[] = [];
  return {
    events,
    emit(event) {
      events.push(event);
      if (events.length > max) events.splice(0, events.length - max);
    },
    ofType<T extends TelemetryEvent["type"]>(type: T) {
      return events.filter((e): e is Extract<TelemetryEvent, { type: T }> => e.type === type);
    },
    clear() {
      events.length = 0;
    },
  };
}
