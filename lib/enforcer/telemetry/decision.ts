/**
 * The per-request decision on its way to a sink, without an event object per request: the enforcer's one
 * record, refilled for every decision and handed over synchronously (`TelemetrySink.decision`), and an event
 * of its own for a sink that only has `emit`.
 */
import { performance } from "node:perf_hooks";
import type { ReasonCode } from "../errors.js";
import type { DecisionEvent, TelemetrySink } from "./types.js";
import { wallClockAt } from "./wall-clock.js";

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

/**
 * One enforcer's decision recorder: it keeps one record, fills it from the request's facts and the
 * decision's start (`performance.now()`), and hands it to `sink` with nothing awaited in between. `now`
 * (an injected clock) stamps `at`; otherwise the end reading is mapped to wall time.
 *
 * @example
 * const record = createDecisionRecorder(sink, options.now);
 * record(policy.resource.uri, "deny", ReasonCode.TokenExpired, info, started);
 */
export function createDecisionRecorder(
  sink: TelemetrySink,
  now: (() => number) | undefined,
): (
  resource: string,
  outcome: "allow" | "deny",
  reason: ReasonCode | undefined,
  facts: DecisionFacts,
  started: number,
) => void {
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
  return (resource, outcome, reason, facts, started) => {
    const auth = facts.auth;
    const ended = performance.now();
    record.at = now ? now() : wallClockAt(ended);
    record.outcome = outcome;
    record.reason = reason;
    record.resource = resource;
    record.clientId = auth?.token.clientId;
    record.subject = auth?.token.subject;
    record.method = facts.method;
    record.tool = facts.tool;
    record.latencyMs = ended - started;
    record.cacheHit = auth?.cacheHit;
    // Set together by the enforcer (clientVersion only beside a clientName).
    record.clientName = facts.clientName;
    record.clientVersion = facts.clientVersion;
    emitDecisionTo(sink, record);
  };
}
