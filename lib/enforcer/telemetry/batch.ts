/**
 * The telemetry client's queue, built for the request path: an event is copied into a row of the batch it
 * will travel in (a typed array plus a per-batch string dictionary; columns on the wire) the moment it is emitted,
 * so no event object outlives its request. Objects held for up to a second (50,000 by default) would
 * survive young-generation GC and be promoted, making every major GC of the host server slower; and
 * serializing 1,000 objects costs ≈1.2 ms of the event loop where the columns cost a tenth of that.
 *
 * The queue is a list of batches (segments) of at most `batchSize` events; it holds at most `capacity`
 * events, and when full drops the oldest (from the oldest segment) and counts them. Decisions (one per
 * request, nearly all the traffic) are rows; the rare other events stay objects in their segment.
 */

import { SEGMENT_BYTES_PER_EVENT, TelemetrySegment } from "./segment.js";
import type { TelemetryEvent } from "./types.js";

export { type SegmentData, TelemetrySegment } from "./segment.js";

/**
 * The client's bounded queue of segments. @example const q = new TelemetryBuffer(50_000, 1000); q.push(e); q.take()
 */
export class TelemetryBuffer {
  readonly capacity: number;
  readonly batchSize: number;
  dropped = 0;
  #length = 0;
  readonly #segments: TelemetrySegment[] = [];
  /** Column buffers of sent segments, ready for new ones: the columns are allocated once, not per batch. */
  readonly #spare: ArrayBuffer[] = [];

  constructor(capacity: number, batchSize: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError("capacity must be a positive integer");
    this.capacity = capacity;
    this.batchSize = batchSize;
  }

  /** Events queued. */
  get length(): number {
    return this.#length;
  }

  /** O(1): copies the event into the newest segment; drops the oldest event when full. */
  push(e: TelemetryEvent): void {
    let tail = this.#segments[this.#segments.length - 1];
    if (!tail || tail.added >= this.batchSize) {
      tail = new TelemetrySegment(this.batchSize, this.#spare);
      this.#segments.push(tail);
    }
    tail.add(e);
    this.#length++;
    this.#dropBeyondCapacity();
  }

  #dropBeyondCapacity(): void {
    while (this.#length > this.capacity) {
      const head = this.#segments[0] as TelemetrySegment;
      head.dropOldest();
      this.#length--;
      this.dropped++;
      if (head.length === 0) this.#segments.shift();
    }
  }

  /** Keeps a sent segment's column buffer (a few at most) for the next segments. */
  recycle(buffer: ArrayBuffer | undefined): void {
    if (buffer?.byteLength === this.batchSize * SEGMENT_BYTES_PER_EVENT && this.#spare.length < 4)
      this.#spare.push(buffer);
  }

  /** Removes and returns the full segments (all of them with `partial`), oldest first. */
  takeSegments(partial: boolean): TelemetrySegment[] {
    const segments = this.#segments;
    let count = segments.length;
    if (!partial && count > 0 && (segments[count - 1] as TelemetrySegment).added < this.batchSize) count--;
    const taken = segments.splice(0, count);
    for (const s of taken) this.#length -= s.length;
    return taken;
  }

  /** Appends a whole segment (the worker's side of {@link takeSegments}), dropping the oldest events beyond capacity. */
  append(segment: TelemetrySegment): void {
    if (segment.length === 0) return;
    this.#segments.push(segment);
    this.#length += segment.length;
    this.#dropBeyondCapacity();
  }

  /** Removes and returns the oldest segment (one batch, at most `batchSize` events); an empty one when none. */
  take(): TelemetrySegment {
    const head = this.#segments.shift() ?? new TelemetrySegment(this.batchSize);
    this.#length -= head.length;
    return head;
  }
}

/**
 * Encodes events as one batch's JSON text (the client does the same through its queue).
 *
 * @example
 * const body = encodeTelemetryBatch({ id: "mcp-files-1" }, events);
 */
export function encodeTelemetryBatch(instance: unknown, events: readonly TelemetryEvent[]): string {
  const segment = new TelemetrySegment(Math.max(1, events.length));
  for (const e of events) segment.add(e);
  return segment.toWire(instance);
}
