/** Types of telemetry: the sink seam and the events the enforcer emits. */
import type { ReasonCode } from "../errors.js";

/**
 * Where telemetry goes. `emit` must never throw and never block the request path.
 *
 * @example
 * const sink: TelemetrySink = { emit: (e) => queue.push(e) };
 */
export interface TelemetrySink {
  emit(event: TelemetryEvent): void;
  /**
   * Optional: the per-request decision without an event object of its own. When a sink has it, the
   * enforcer calls it instead of `emit` for decisions, with one record it reuses for every request: read
   * (or copy) what you need before returning, and never keep the object. The telemetry client and the
   * metrics use it, so a decision costs the request path a copy into a row and counters, no allocation.
   */
  decision?(event: Readonly<DecisionEvent>): void;
  /**
   * Optional: `"sampled"` when the sink does not need every decision's latency. The enforcer then times
   * at most 32 decisions per 100 ms (every decision below 320 a second) and gives the others `latencyMs`
   * NaN, which saves the request path two clock readings (telemetry/decision.ts). The telemetry client and
   * the metrics declare it; a sink without it gets every decision timed.
   */
  decisionTiming?: "sampled";
  /**
   * Optional: the sink takes decisions in batches. The enforcer then copies each decision into a small table
   * of its own and hands the table's decisions to `decision` together, when 64 have gathered or 50 ms after
   * the first (telemetry/decision.ts): the sink's code runs once per batch in a loop instead of once per
   * request. It calls `drain` (synchronous: every waiting decision is handed over before it returns) before it
   * reads or ships what it counted, so nothing it reports lags. The telemetry client and the metrics take
   * decisions so; a sink without this gets each one at once.
   */
  attachDecisionSource?(drain: () => void): void;
}

/** The event of one authorization decision (one per request). @example const e: DecisionEvent = { type: "decision", at: Date.now(), outcome: "allow", resource: uri, latencyMs: 0.1 } */
export type DecisionEvent = Extract<TelemetryEvent, { type: "decision" }>;

/** One telemetry event (`at` is epoch milliseconds). @example sink.emit({ type: "rate_limit", at: Date.now(), clientId: "c", category: "tool", resource: uri }) */
export type TelemetryEvent =
  | {
      type: "decision";
      at: number;
      outcome: "allow" | "deny";
      reason?: ReasonCode;
      resource: string;
      clientId?: string;
      subject?: string;
      method?: string;
      tool?: string;
      /** The decision's time in the enforcer; NaN when it was not timed (only to a `decisionTiming: "sampled"` sink). */
      latencyMs: number;
      cacheHit?: boolean;
      /** The request's MCP `clientInfo` (bounded in size and in distinct values per resource). */
      clientName?: string;
      clientVersion?: string;
    }
  | {
      type: "jwks_refresh";
      at: number;
      trigger: "scheduled" | "forced" | "initial";
      outcome: "ok" | "error";
      keyCount?: number;
      error?: string;
      issuer: string;
      latencyMs: number;
    }
  | {
      type: "obo_exchange";
      at: number;
      downstream: string;
      outcome: "ok" | "error";
      cacheHit: boolean;
      latencyMs: number;
      error?: string;
    }
  | {
      type: "rate_limit";
      at: number;
      clientId: string;
      category: "tool" | "resource" | "failed_auth" | "token_refresh";
      resource: string;
    };
