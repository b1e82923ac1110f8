/**
 * bench:telemetry's `copy` part: a sink that copies each decision into a `TelemetrySegment` exactly as the
 * telemetry client does on the request path, and sends nothing. Against the network client it separates the
 * copy into the columns from everything the client does off the request path (its worker thread, batch
 * building, gzip and the POST). Takes the segment class of the build under test (compile.ts).
 */
import type { TelemetrySegment } from "../../lib/enforcer/telemetry/segment";
import type { TelemetrySink } from "../../lib/enforcer/telemetry/types";

/** @example const sink = copyOnlySink((await import(".../telemetry/segment.js")).TelemetrySegment); */
export function copyOnlySink(Segment: typeof TelemetrySegment, capacity = 1000): TelemetrySink {
  let segment = new Segment(capacity);
  return {
    emit: () => undefined,
    // As the client: sampled decision timing.
    decisionTiming: "sampled",
    decision(event) {
      // A full segment starts over on its own column buffer, as the client reuses the buffers of sent ones.
      if (segment.added >= capacity) {
        const spare = segment.release();
        segment = new Segment(capacity, spare ? [spare] : undefined);
      }
      segment.add(event);
    },
  };
}
