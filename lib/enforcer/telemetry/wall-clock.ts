/** Wall-clock timestamps from monotonic readings, for telemetry events on the request path. */
import { performance } from "node:perf_hooks";

/** Epoch ms minus the monotonic clock, re-read at most once a second (NTP steps are picked up within 1 s). */
let wallOffset = Date.now() - performance.now();
let wallCheckedAt = performance.now();

/**
 * The wall-clock time (epoch ms) of a `performance.now()` reading: one clock read per decision instead
 * of two (the decision's latency and its timestamp share it).
 *
 * @example const ended = performance.now(); const at = wallClockAt(ended);
 */
export function wallClockAt(monotonic: number): number {
  if (monotonic - wallCheckedAt > 1000) {
    wallOffset = Date.now() - performance.now();
    wallCheckedAt = monotonic;
  }
  return Math.round(wallOffset + monotonic);
}
