/**
 * The per-request decision on its way to a sink, without an event object per request: the enforcer's one
 * record, refilled for every decision and handed over synchronously (`TelemetrySink.decision`), and an event
 * of its own for a sink that only has `emit`.
 */
import { performance } from "node:perf_hooks";
import type { ReasonCode } from "../errors.js";
import type { DecisionEvent, TelemetrySink } from "./types.js";

/** What the enforcer knows of a request when it decides (its `DecisionInfo` fits). */
export interface DecisionFacts {
  auth?: { token: { clientId?: string | undefined; subject: string }; cacheHit?: boolean | undefined } | undefined;
  method?: string | undefined;
  tool?: string | undefined;
  clientName?: string | undefined;
  clientVersion?: string | undefined;
}

/**
 * A decision event of its own, with only the fields that are set (as an event built for `emit` has them).
 *
 * @example sink.emit(decisionEventCopy(record));
 */
export function decisionEventCopy(d: Readonly<DecisionEvent>): DecisionEvent {
  const { clientName, clientVersion, ...event } = d;
  return clientName === undefined ? event : { ...event, clientName, clientVersion };
}

/**
 * Hands a decision to a sink: through `decision` (the reused record) when it has it, else as an event of
 * its own through `emit`. Swallows anything the sink throws, as `safeEmit` does.
 *
 * @example emitDecisionTo(sink, record);
 */
export function emitDecisionTo(sink: TelemetrySink, record: Readonly<DecisionEvent>): void {
  try {
    if (sink.decision) sink.decision(record);
    else sink.emit(decisionEventCopy(record));
  } catch {
    // Telemetry is best effort by design (ARCHITECTURE.md flow 4: never block on telemetry).
  }
}

/** Decisions timed per window at most, for a sink that takes sampled timing (`decisionTiming: "sampled"`). */
export const DECISION_TIMING_BUDGET = 32;
/** The timing budget's window, in ms of the enforcer's clock. */
export const DECISION_TIMING_WINDOW_MS = 100;

/** Decisions a batched sink (`TelemetrySink.attachDecisionSource`) gets at a time at most. */
export const DECISION_BATCH_SIZE = 64;
/** The longest a decision waits for its batch before it is handed to a batched sink, ms. */
export const DECISION_BATCH_MAX_MS = 50;

/** One enforcer's decision recorder (see {@link createDecisionRecorder}). */
export interface DecisionRecorder {
  /**
   * Whether to time the decision that starts now (`nowMs`, the enforcer's clock): its start as a
   * `performance.now()` reading when it is timed, else -1 (no clock is read).
   */
  start(nowMs: number): number;
  /** Fills the record and hands it to the sink. `started` is what `start` returned, `nowMs` what it was given. */
  record(
    resource: string,
    outcome: "allow" | "deny",
    reason: ReasonCode | undefined,
    facts: DecisionFacts,
    started: number,
    nowMs: number,
  ): void;
}

/**
 * One enforcer's decision recorder: it keeps one record, fills it from the request's facts, and hands it to
 * `sink` with nothing awaited in between. `at` is the decision's start on the enforcer's clock, the reading
 * the validator judges the token at (no clock of its own). The latency needs two monotonic readings, which
 * cost a request over HTTP several times what they cost in a loop (`npm run bench:telemetry`: about half of
 * telemetry's share of the server's CPU). So a sink that declares `decisionTiming: "sampled"` (the shipped
 * client and metrics) gets at most {@link DECISION_TIMING_BUDGET} timed decisions per
 * {@link DECISION_TIMING_WINDOW_MS} ms, the first ones of each window, and the rest with `latencyMs` NaN:
 * below 320 decisions a second every decision is timed, as before; at saturation a few percent, still
 * hundreds a second for the latency histograms. Any other sink gets every decision timed. A sink that takes
 * decisions in batches (`attachDecisionSource`: the shipped client and metrics) gets them from a table of up to
 * {@link DECISION_BATCH_SIZE} (see createDecisionTable); any other sink gets each decision at once.
 *
 * @example
 * const recorder = createDecisionRecorder(sink);
 * const nowMs = Date.now();
 * const started = recorder.start(nowMs);
 * recorder.record(policy.resource.uri, "deny", ReasonCode.TokenExpired, info, started, nowMs);
 */
export function createDecisionRecorder(sink: TelemetrySink): DecisionRecorder {
  const record: DecisionEvent = {
    type: "decision",
    at: 0,
    outcome: "allow",
    reason: undefined,
    resource: "",
    clientId: undefined,
    subject: undefined,
    method: undefined,
    tool: undefined,
    latencyMs: 0,
    cacheHit: undefined,
    clientName: undefined,
    clientVersion: undefined,
  };
  const sampled = sink.decisionTiming === "sampled";
  // A sink that does not take batches gets a table of one, handed over as each decision is added.
  const table = createDecisionTable(sink, record, sink.attachDecisionSource ? DECISION_BATCH_SIZE : 1);
  let windowEnd = Number.NEGATIVE_INFINITY;
  let left = 0;
  return {
    start(nowMs) {
      if (sampled) {
        // A new window when this one is over, or when the clock stepped back past its start (NTP).
        if (nowMs >= windowEnd || nowMs < windowEnd - DECISION_TIMING_WINDOW_MS) {
          windowEnd = nowMs + DECISION_TIMING_WINDOW_MS;
          left = DECISION_TIMING_BUDGET;
        }
        if (left === 0) return -1;
        left--;
      }
      return performance.now();
    },
    record(resource, outcome, reason, facts, started, nowMs) {
      table(nowMs, started >= 0 ? performance.now() - started : Number.NaN, outcome, reason, resource, facts);
    },
  };
}

/** The reference fields of a decision in the recorder's table (its two numbers go to a Float64Array). */
const REFS = 10;

/**
 * The recorder's table of decisions not yet handed to its sink: per decision two numbers (`at`, latency) and ten
 * references, written in place, and handed over through the recorder's one record, in a loop, when `size` have
 * gathered, {@link DECISION_BATCH_MAX_MS} after the first (an unref'd timer), or when a batched sink drains it
 * (`attachDecisionSource`). Run in a loop, the sinks' code costs the request path less than run once per request
 * (`npm run bench:telemetry:ab`: telemetry on 1.4-2.2 % less; the README's Performance section). With `size` 1
 * every decision is handed over as it is added. Returns the function that adds one.
 */
function createDecisionTable(
  sink: TelemetrySink,
  record: DecisionEvent,
  size: number,
): (
  at: number,
  latencyMs: number,
  outcome: "allow" | "deny",
  reason: ReasonCode | undefined,
  resource: string,
  facts: DecisionFacts,
) => void {
  const numbers = new Float64Array(size * 2);
  const refs: unknown[] = new Array(size * REFS).fill(undefined);
  let count = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  function drain(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const n = count;
    count = 0;
    for (let i = 0; i < n; i++) {
      const r = i * REFS;
      record.at = numbers[2 * i] as number;
      record.latencyMs = numbers[2 * i + 1] as number;
      record.outcome = refs[r] as "allow" | "deny";
      record.reason = refs[r + 1] as ReasonCode | undefined;
      record.resource = refs[r + 2] as string;
      record.clientId = refs[r + 3] as string | undefined;
      record.subject = refs[r + 4] as string | undefined;
      record.method = refs[r + 5] as string | undefined;
      record.tool = refs[r + 6] as string | undefined;
      record.cacheHit = refs[r + 7] as boolean | undefined;
      // Set together by the enforcer (clientVersion only beside a clientName).
      record.clientName = refs[r + 8] as string | undefined;
      record.clientVersion = refs[r + 9] as string | undefined;
      emitDecisionTo(sink, record);
    }
    // The table keeps no request's strings once they are handed over (a plain loop: `fill` is a call into the
    // runtime, once per decision for a sink that takes them one at a time).
    for (let k = 0, end = n * REFS; k < end; k++) refs[k] = undefined;
  }
  sink.attachDecisionSource?.(drain);
  return (at, latencyMs, outcome, reason, resource, facts) => {
    const auth = facts.auth;
    const i = count++;
    numbers[2 * i] = at;
    numbers[2 * i + 1] = latencyMs;
    const r = i * REFS;
    refs[r] = outcome;
    refs[r + 1] = reason;
    refs[r + 2] = resource;
    refs[r + 3] = auth?.token.clientId;
    refs[r + 4] = auth?.token.subject;
    refs[r + 5] = facts.method;
    refs[r + 6] = facts.tool;
    refs[r + 7] = auth?.cacheHit;
    refs[r + 8] = facts.clientName;
    refs[r + 9] = facts.clientVersion;
    if (count === size) drain();
    else if (timer === undefined) {
      timer = setTimeout(drain, DECISION_BATCH_MAX_MS);
      timer.unref?.();
    }
  };
}

/**
 * The enforcers' tables of decisions waiting for a batched sink (createDecisionTable): `attach` is the sink's
 * `attachDecisionSource`, `drain` hands every waiting decision over (before the sink reads or ships). Held
 * weakly: an enforcer that is gone (one made per request, say) leaves nothing behind in a long-lived sink; its
 * table's drain stays reachable as long as the enforcer, or the table's pending timer, is. References to gone
 * tables are dropped at each drain, and at an attach once the list has doubled since it was last pruned, so a
 * sink that is never drained does not grow with the enforcers made and gone.
 *
 * @example const sources = decisionSources(); sink.attachDecisionSource = sources.attach; sources.drain();
 */
export function decisionSources(): { attach(drain: () => void): void; drain(): void } {
  let list: WeakRef<() => void>[] = [];
  let pruneAt = 16;
  const live = () => list.filter((ref) => ref.deref() !== undefined);
  return {
    attach: (drain) => {
      if (list.length >= pruneAt) {
        list = live();
        pruneAt = Math.max(16, 2 * list.length);
      }
      list.push(new WeakRef(drain));
    },
    drain: () => {
      list = live();
      for (const ref of list) ref.deref()?.();
    },
  };
}
