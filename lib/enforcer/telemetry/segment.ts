/**
 * One batch of the telemetry client's queue (see batch.ts): the rows a decision is copied into when it is
 * emitted, the per-batch string dictionary, the rare other events as objects, and the batch's wire form.
 */
import type { TelemetryEvent } from "./types.js";
import { type DecisionColumns, encodeInt32Column, INT_COLUMNS, OPTIONAL_INT_COLUMNS, STRING_COLUMNS } from "./wire.js";

type OtherEvent = Exclude<TelemetryEvent, { type: "decision" }>;

/** A row's int32 slots: `at` (a float64) takes 0 and 1, then the latency, the cache hit, and the ids in STRING_COLUMNS order. */
const LATENCY = 2;
const CACHE_HIT = 3;
const IDS = 4;
/** The row in int32 slots and in float64 slots (an even count, so every row's `at` is 8-byte aligned). */
const ROW_INTS = (IDS + STRING_COLUMNS.length + 1) & ~1;
const ROW_DOUBLES = ROW_INTS / 2;
/** Each wire column's int32 slot in a row (`at` travels as deltas of the float64, computed apart). */
const SLOT: Record<Exclude<(typeof INT_COLUMNS)[number], "at"> | (typeof OPTIONAL_INT_COLUMNS)[number], number> = {
  latencyUs: LATENCY,
  cacheHit: CACHE_HIT,
  ...(Object.fromEntries(STRING_COLUMNS.map((name, i) => [name, IDS + i])) as Record<
    (typeof STRING_COLUMNS)[number],
    number
  >),
};

/**
 * Bytes of storage per event: one row of `at` (float64), then latency, cache hit and the dictionary ids (int32).
 * Rows, not columns, on the request path: a decision's copy writes one or two cache lines instead of one in each
 * of eleven columns (eleven pages apart). Over HTTP the copy's writes cost about 2 % of the server's CPU per
 * request (an ablation, `npm run bench:telemetry:ab`), rows about 0.8 % less than columns; the batch is turned
 * into columns when it is encoded, off the request path.
 */
export const SEGMENT_BYTES_PER_EVENT = 4 * ROW_INTS;

/** A segment in transit to the telemetry worker (see {@link TelemetrySegment.detach}). */
export interface SegmentData {
  capacity: number;
  added: number;
  n: number;
  start: number;
  buffer: ArrayBuffer | undefined;
  strings: string[];
  hasClientInfo: boolean;
  others: OtherEvent[];
}

const INT32_MAX = 2_147_483_647;

/**
 * One batch in the making. @example const s = new TelemetrySegment(1000); s.add(event); s.toWire({ id: "i-1" })
 */
export class TelemetrySegment {
  /** Events ever added (dropped ones included): the segment is full at `capacity`. */
  added = 0;
  readonly capacity: number;
  #n = 0;
  #start = 0;
  /** The rows, as doubles (`at`, slot 0 of each row) and as int32 (latency at 2, cache hit at 3, ids from 4). */
  #at: Float64Array | undefined;
  #ints: Int32Array | undefined;
  readonly #strings: string[] = [];
  readonly #dict = new Map<string, number>();
  // Consecutive decisions mostly repeat the client, subject, method and tool: the last value per column
  // skips the map.
  readonly #lastValue: (string | undefined)[] = STRING_COLUMNS.map(() => undefined);
  readonly #lastId = STRING_COLUMNS.map(() => -1);
  /** Whether any decision carried a clientInfo (the optional columns travel only then). */
  #hasClientInfo = false;
  #others: OtherEvent[] = [];
  #othersStart = 0;

  readonly #spare: ArrayBuffer[] | undefined;

  /** `spare`: column buffers of sent segments, reused instead of allocating (and zeroing) new ones. */
  constructor(capacity: number, spare?: ArrayBuffer[]) {
    this.capacity = capacity;
    this.#spare = spare;
  }

  /** Events held (added minus dropped). */
  get length(): number {
    return this.#n - this.#start + this.#others.length - this.#othersStart;
  }

  add(e: TelemetryEvent): void {
    this.added++;
    if (e.type !== "decision") {
      this.#others.push(e);
      return;
    }
    if (this.#at === undefined)
      this.#allocate(this.#spare?.pop() ?? new ArrayBuffer(this.capacity * SEGMENT_BYTES_PER_EVENT));
    const k = this.#n++;
    (this.#at as Float64Array)[k * ROW_DOUBLES] = e.at;
    const row = this.#ints as Int32Array;
    const r = k * ROW_INTS;
    const us = e.latencyMs * 1000;
    // -1: not timed (NaN, telemetry/decision.ts); `us >= 0` is false for NaN.
    row[r + LATENCY] = us >= 0 ? (us < INT32_MAX ? (us + 0.5) | 0 : INT32_MAX) : -1;
    row[r + CACHE_HIT] = e.cacheHit === undefined ? -1 : e.cacheHit ? 1 : 0;
    const ids = r + IDS;
    row[ids] = this.#id(0, e.outcome);
    row[ids + 1] = this.#id(1, e.reason);
    row[ids + 2] = this.#id(2, e.clientId);
    row[ids + 3] = this.#id(3, e.subject);
    row[ids + 4] = this.#id(4, e.method);
    row[ids + 5] = this.#id(5, e.tool);
    if (e.clientName !== undefined) {
      this.#hasClientInfo = true;
      row[ids + 6] = this.#id(6, e.clientName);
      row[ids + 7] = this.#id(7, e.clientVersion);
    } else {
      row[ids + 6] = -1;
      row[ids + 7] = -1;
    }
  }

  /** One buffer per segment, both views of it: one allocation, and one transfer to the worker. */
  #allocate(buffer: ArrayBuffer): void {
    const c = this.capacity;
    this.#at = new Float64Array(buffer, 0, c * ROW_DOUBLES);
    this.#ints = new Int32Array(buffer, 0, c * ROW_INTS);
  }

  /**
   * The segment as a structured-clone message for the telemetry worker, its column buffer transferred
   * (not copied): this segment is unusable afterwards.
   *
   * @example const { data, transfer } = segment.detach(); worker.postMessage(data, transfer);
   */
  detach(): { data: SegmentData; transfer: ArrayBuffer[] } {
    const buffer = this.#at?.buffer as ArrayBuffer | undefined;
    const data: SegmentData = {
      capacity: this.capacity,
      added: this.added,
      n: this.#n,
      start: this.#start,
      buffer,
      strings: this.#strings,
      hasClientInfo: this.#hasClientInfo,
      others: this.#others.slice(this.#othersStart),
    };
    return { data, transfer: buffer ? [buffer] : [] };
  }

  /** The column buffer, for reuse once the segment has been sent (the segment is unusable afterwards). */
  release(): ArrayBuffer | undefined {
    const buffer = this.#at?.buffer as ArrayBuffer | undefined;
    this.#at = undefined;
    return buffer;
  }

  /** The segment {@link detach} sent, rebuilt on the other side (it takes no further events). @example TelemetrySegment.attach(message.data) */
  static attach(data: SegmentData): TelemetrySegment {
    const s = new TelemetrySegment(data.capacity);
    s.added = data.added;
    s.#n = data.n;
    s.#start = data.start;
    if (data.buffer) s.#allocate(data.buffer);
    s.#strings.push(...data.strings);
    s.#hasClientInfo = data.hasClientInfo;
    s.#others = data.others;
    return s;
  }

  #id(column: number, value: string | undefined): number {
    if (value === undefined) return -1;
    if (value === this.#lastValue[column]) return this.#lastId[column] as number;
    let i = this.#dict.get(value);
    if (i === undefined) {
      i = this.#strings.length;
      this.#strings.push(value);
      this.#dict.set(value, i);
    }
    this.#lastValue[column] = value;
    this.#lastId[column] = i;
    return i;
  }

  /** Drops the oldest event held (by `at`, decisions or others). False when empty. */
  dropOldest(): boolean {
    const hasDecision = this.#start < this.#n;
    const hasOther = this.#othersStart < this.#others.length;
    if (!hasDecision && !hasOther) return false;
    const other = this.#others[this.#othersStart];
    if (hasDecision && (!other || ((this.#at as Float64Array)[this.#start * ROW_DOUBLES] as number) <= other.at))
      this.#start++;
    else {
      this.#others[this.#othersStart++] = undefined as unknown as OtherEvent; // release for GC
    }
    return true;
  }

  /**
   * The batch as the JSON text `POST /api/v1/telemetry` takes (see telemetry-wire.ts).
   *
   * @example
   * const body = gzipSync(segment.toWire({ id: "mcp-files-1" }));
   */
  toWire(instance: unknown): string {
    const body: { instance: unknown; events: Record<string, unknown>[]; decisions?: DecisionColumns } = {
      instance,
      events: this.#others.slice(this.#othersStart).map(compact),
    };
    if (this.#n > this.#start) body.decisions = this.#columns();
    return JSON.stringify(body);
  }

  #columns(): DecisionColumns {
    const from = this.#start;
    const n = this.#n - from;
    const at = this.#at as Float64Array;
    const deltas = new Int32Array(n);
    let previous = at[from * ROW_DOUBLES] as number;
    for (let i = 0; i < n; i++) {
      const t = at[(from + i) * ROW_DOUBLES] as number;
      deltas[i] = clampInt32(t - previous);
      previous = t;
    }
    // The rows' int32 slot of each column, read out into a column of its own.
    const rows = this.#ints as Int32Array;
    const column = (slot: number) => {
      const out = new Int32Array(n);
      for (let i = 0, r = from * ROW_INTS + slot; i < n; i++, r += ROW_INTS) out[i] = rows[r] as number;
      return out;
    };
    const out: Record<string, unknown> = { n, atBase: at[from * ROW_DOUBLES], strings: this.#strings };
    for (const name of INT_COLUMNS) out[name] = encodeInt32Column(name === "at" ? deltas : column(SLOT[name]));
    if (this.#hasClientInfo) for (const name of OPTIONAL_INT_COLUMNS) out[name] = encodeInt32Column(column(SLOT[name]));
    return out as unknown as DecisionColumns;
  }
}

function clampInt32(v: number): number {
  return Math.min(INT32_MAX, Math.max(-INT32_MAX, v));
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * The object form of a non-decision event (decisions are columns): latencies to the microsecond, without
 * the resource URI (the credential names it).
 */
function compact(e: OtherEvent): Record<string, unknown> {
  switch (e.type) {
    case "rate_limit":
      return { type: e.type, at: e.at, clientId: e.clientId, category: e.category };
    default:
      return { ...e, latencyMs: round3(e.latencyMs) };
  }
}
