/**
 * A fixed-capacity FIFO ring buffer for telemetry events. `push` is O(1) and never allocates past
 * the capacity: when full, it overwrites the oldest entry and counts the drop (ARCHITECTURE.md
 * flow 5: the queue is bounded, the newest events are the most useful ones during an incident).
 */

/**
 * A bounded queue that drops its oldest entry when full.
 *
 * @example
 * const q = new DropOldestQueue<number>(2);
 * q.push(1); q.push(2); q.push(3); // q.dropped === 1, q.take(10) → [2, 3]
 */
export class DropOldestQueue<T> {
  readonly capacity: number;
  /** Entries overwritten because the queue was full. */
  dropped = 0;
  readonly #items: (T | undefined)[];
  #head = 0;
  #length = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError("capacity must be a positive integer");
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** Appends; when full, the oldest entry is overwritten and `dropped` grows by one. */
  push(item: T): void {
    const tail = (this.#head + this.#length) % this.capacity;
    this.#items[tail] = item;
    if (this.#length === this.capacity) {
      this.#head = (this.#head + 1) % this.capacity;
      this.dropped++;
    } else {
      this.#length++;
    }
  }

  /** Removes and returns up to `max` of the oldest entries, oldest first. */
  take(max: number): T[] {
    const n = Math.min(max, this.#length);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      const index = (this.#head + i) % this.capacity;
      out[i] = this.#items[index] as T;
      this.#items[index] = undefined; // release for GC
    }
    this.#head = (this.#head + n) % this.capacity;
    this.#length -= n;
    return out;
  }
}
