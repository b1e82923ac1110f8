/**
 * The telemetry batch wire format (`POST /api/v1/telemetry`, JSON, gzip on the wire), shared by the
 * enforcer's client (encoded by telemetry-batch.ts) and the control plane (decoded here, then the same
 * per-event validation as events sent as objects).
 *
 * `{ instance?, events?: TelemetryEvent[], decisions?: DecisionColumns }`: decisions (one per request,
 * nearly all the traffic) travel as columns; the rare other events (JWKS refreshes, OBO exchanges,
 * rate-limit hits) as objects. Why columns: the client serializes a batch on the enforcer's event
 * loop, between requests. 1,000 decision objects are ≈170 KB of JSON (≈1.2 ms to stringify, ≈0.3 ms
 * to gzip); as columns, the numeric columns are little-endian int32 arrays in base64 (one native call
 * each) and a batch costs a tenth of that (`npm run bench:telemetry` measures request latency and
 * server CPU with telemetry on and off).
 *
 * Columns: `n` events; `strings` is the batch's dictionary (outcome, reason, client id, subject,
 * method and tool are indexes into it, -1 when absent); `atBase` + `at[i]` (ms deltas, each from the
 * previous event) give the timestamps; `latencyUs` in microseconds (clamped to int32, ≈35 min), -1 for a
 * decision that was not timed (sampled timing, telemetry/decision.ts: decoded without `latencyMs`);
 * `cacheHit` 1, 0 or -1 (absent). `clientName` and `clientVersion` (the request's MCP `clientInfo`, issue 22) are
 * dictionary columns sent only when some decision of the batch has them: a control plane that predates them
 * ignores them, and a batch without them decodes as before.
 *
 * Each int32 column is either `n` values (base64 of little-endian int32) or, when that is shorter,
 * run-length coded: `"rle:"` + base64 of (value, count) int32 pairs. Most columns of a batch repeat
 * (one client, one subject, one tool per agent session), so they shrink to a few bytes and the batch
 * costs less to build and to gzip on the enforcer's event loop.
 */
/** Decision events as columns (see the module comment). @example decodeDecisionColumns(batch.decisions) */
export interface DecisionColumns {
  n: number;
  atBase: number;
  strings: string[];
  at: string;
  outcome: string;
  reason: string;
  clientId: string;
  subject: string;
  method: string;
  tool: string;
  latencyUs: string;
  cacheHit: string;
  clientName?: string;
  clientVersion?: string;
}

/** The int32 columns, in wire order. @example INT_COLUMNS.includes("at") */
export const INT_COLUMNS = [
  "at",
  "outcome",
  "reason",
  "clientId",
  "subject",
  "method",
  "tool",
  "latencyUs",
  "cacheHit",
] as const;
/** Int32 columns a batch may leave out (all -1 then). @example OPTIONAL_INT_COLUMNS.includes("clientName") */
export const OPTIONAL_INT_COLUMNS = ["clientName", "clientVersion"] as const;
/** The dictionary-coded columns, in the order the encoder keeps them. @example STRING_COLUMNS[0] // "outcome" */
export const STRING_COLUMNS = [
  "outcome",
  "reason",
  "clientId",
  "subject",
  "method",
  "tool",
  "clientName",
  "clientVersion",
] as const;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** The prefix of a run-length coded column. @example column.startsWith(RLE_PREFIX) */
export const RLE_PREFIX = "rle:";

/**
 * One int32 column as it travels: run-length coded when there are fewer than n/4 runs, else plain.
 *
 * @example encodeInt32Column(new Int32Array([7, 7, 7, 7, 7, 7, 7, 7])) // "rle:BwAAAAgAAAA="
 */
export function encodeInt32Column(column: Int32Array): string {
  const n = column.length;
  const maxRuns = n >> 2;
  if (maxRuns === 0) return int32Base64(column);
  // One pass: (value, count) pairs until there would be too many runs to be worth it.
  const pairs = new Int32Array(maxRuns * 2);
  let runs = 0;
  let value = column[0] as number;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && column[i] === value) continue;
    if (runs === maxRuns) return int32Base64(column);
    pairs[runs * 2] = value;
    pairs[runs * 2 + 1] = i - start;
    runs++;
    value = column[i] as number;
    start = i;
  }
  return RLE_PREFIX + int32Base64(pairs.subarray(0, runs * 2));
}

function int32Base64(column: Int32Array): string {
  const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  if (!LITTLE_ENDIAN) return Buffer.from(bytes).swap32().toString("base64");
  return bytes.toString("base64");
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A column's n int32 values (little-endian bytes), plain or run-length coded; TypeError when malformed. */
function decodeInt32Column(name: string, text: unknown, n: number): Buffer {
  if (typeof text !== "string") throw new TypeError(`decisions.${name} must be base64`);
  const rle = text.startsWith(RLE_PREFIX);
  const body = rle ? text.slice(RLE_PREFIX.length) : text;
  if (!BASE64.test(body)) throw new TypeError(`decisions.${name} must be base64`);
  const bytes = Buffer.from(body, "base64");
  if (!rle) {
    if (bytes.length !== n * 4) throw new TypeError(`decisions.${name} must hold ${n} int32 values`);
    return bytes;
  }
  if (bytes.length % 8 !== 0 || bytes.length > n * 8)
    throw new TypeError(`decisions.${name} must hold at most ${n} (value, count) int32 pairs`);
  const out = Buffer.alloc(n * 4);
  let at = 0;
  for (let p = 0; p < bytes.length; p += 8) {
    const value = bytes.readInt32LE(p);
    const count = bytes.readInt32LE(p + 4);
    if (count < 1 || at + count > n) throw new TypeError(`decisions.${name} run lengths must add up to ${n}`);
    for (let i = 0; i < count; i++) out.writeInt32LE(value, (at + i) * 4);
    at += count;
  }
  if (at !== n) throw new TypeError(`decisions.${name} run lengths must add up to ${n}`);
  return out;
}

/**
 * Decodes decision columns into plain event objects (each still to be validated like any event).
 * Throws `TypeError` naming the defect when the columns do not fit together (lengths, indexes).
 *
 * @example
 * const candidates = decodeDecisionColumns(body.decisions); // then WireEvent.safeParse each
 */
export function decodeDecisionColumns(c: DecisionColumns, maxEvents: number): Record<string, unknown>[] {
  if (!Number.isInteger(c.n) || c.n < 0 || c.n > maxEvents) throw new TypeError(`decisions.n must be 0-${maxEvents}`);
  if (!Number.isSafeInteger(c.atBase)) throw new TypeError("decisions.atBase must be an integer");
  if (!Array.isArray(c.strings) || c.strings.some((s) => typeof s !== "string"))
    throw new TypeError("decisions.strings must be a list of strings");
  const cols: Record<string, Buffer> = {};
  for (const name of INT_COLUMNS) cols[name] = decodeInt32Column(name, c[name], c.n);
  for (const name of OPTIONAL_INT_COLUMNS)
    if (c[name] !== undefined) cols[name] = decodeInt32Column(name, c[name], c.n);
  const int = (name: (typeof INT_COLUMNS)[number] | (typeof OPTIONAL_INT_COLUMNS)[number], i: number) => {
    const column = cols[name];
    return column === undefined ? -1 : column.readInt32LE(i * 4);
  };
  const str = (name: (typeof STRING_COLUMNS)[number], i: number): string | undefined => {
    const index = int(name, i);
    if (index === -1) return undefined;
    const value = c.strings[index];
    if (value === undefined) throw new TypeError(`decisions.${name}[${i}] points outside decisions.strings`);
    return value;
  };
  const out: Record<string, unknown>[] = new Array(c.n);
  let at = c.atBase;
  for (let i = 0; i < c.n; i++) {
    at += int("at", i);
    const hit = int("cacheHit", i);
    const us = int("latencyUs", i);
    const event: Record<string, unknown> = { type: "decision", at, outcome: str("outcome", i) };
    // Not timed (-1): no latency, as an event sent as an object without one.
    if (us >= 0) event.latencyMs = us / 1000;
    // Absent values stay absent (not `undefined` members), as in an event sent as an object.
    for (const name of STRING_COLUMNS) {
      if (name === "outcome") continue;
      const v = str(name, i);
      if (v !== undefined) event[name] = v;
    }
    if (hit !== -1) event.cacheHit = hit === 1;
    out[i] = event;
  }
  return out;
}
