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
 * hundreds a second for the latency histograms. Any other sink gets every decision timed.
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
      const auth = facts.auth;
      record.at = nowMs;
      record.outcome = outcome;
      record.reason = reason;
      record.resource = resource;
      record.clientId = auth?.token.clientId;
      record.subject = auth?.token.subject;
      record.method = facts.method;
      record.tool = facts.tool;
      record.latencyMs = started >= 0 ? performance.now() - started : Number.NaN;
      record.cacheHit = auth?.cacheHit;
      // Set together by the enforcer (clientVersion only beside a clientName).
      record.clientName = facts.clientName;
      record.clientVersion = facts.clientVersion;
      emitDecisionTo(sink, record);
    },
  };
}
