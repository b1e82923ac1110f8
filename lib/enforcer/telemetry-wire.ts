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
 * previous event) give the timestamps; `latencyUs` in microseconds (clamped to int32, ≈35 min);
 * `cacheHit` 1, 0 or -1 (absent).
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
/** The dictionary-coded columns, in the order the encoder keeps them. @example STRING_COLUMNS[0] // "outcome" */
export const STRING_COLUMNS = ["outcome", "reason", "clientId", "subject", "method", "tool"] as const;

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
  for (const name of INT_COLUMNS) {
    const text = c[name];
    if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
      throw new TypeError(`decisions.${name} must be base64`);
    const bytes = Buffer.from(text, "base64");
    if (bytes.length !== c.n * 4) throw new TypeError(`decisions.${name} must hold ${c.n} int32 values`);
    cols[name] = bytes;
  }
  const int = (name: (typeof INT_COLUMNS)[number], i: number) => (cols[name] as Buffer).readInt32LE(i * 4);
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
    const event: Record<string, unknown> = {
      type: "decision",
      at,
      outcome: str("outcome", i),
      latencyMs: int("latencyUs", i) / 1000,
    };
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
