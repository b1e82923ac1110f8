/**
 * The network telemetry sink. On the request path, `emit` only copies the event into a row of a
 * bounded in-memory queue (batch.ts: O(1), never awaited, no event object kept). Everything else (the
 * batches' wire form, run-length coding, gzip and the POST to the control plane's
 * `POST /api/v1/telemetry`, in batches of up to 1,000 with an `Idempotency-Key` each, retried with
 * exponential backoff and jitter) runs in a worker thread on hosts with more than one core
 * (worker-client.ts, worker.ts), and on the event loop otherwise (send-loop.ts), chosen automatically.
 * Telemetry never delays or fails a request.
 */
import { TelemetryBuffer } from "./batch.js";
import { resolveTelemetryOptions, type TelemetryClientOptions } from "./client-options.js";
import { decisionSources, emitDecisionTo } from "./decision.js";
import { startSendLoop } from "./send-loop.js";
import type { TelemetryEvent, TelemetrySink } from "./types.js";
import { createWorkerClient } from "./worker-client.js";

export { MAX_TELEMETRY_BATCH, type TelemetryClientOptions } from "./client-options.js";
export type { TelemetryClock } from "./transport.js";

/**
 * Counters of a {@link TelemetryClient}.
 *
 * @example
 * const { queued, dropped, thread } = client.stats();
 */
export interface TelemetryStats {
  /** Events waiting, including the batch being sent (and events on their way to the worker). */
  queued: number;
  /** Events dropped because the queue was full (or lost with a worker that died). */
  dropped: number;
  /** Events the control plane refused for good (4xx other than 401/403/408/429), dropped. */
  rejected: number;
  /** Events acknowledged by the control plane. */
  sent: number;
  batchesSent: number;
  failedAttempts: number;
  consecutiveFailures: number;
  /** Where batches are built and sent: a worker thread, the event loop, or not known yet (worker starting). */
  thread: "worker" | "event-loop" | "starting";
}

/**
 * A {@link TelemetrySink} that ships events to the control plane.
 *
 * @example
 * const telemetry = createTelemetryClient({ url, credential });
 * const enforcer = createEnforcer({ policy, sink: telemetry });
 * process.on("SIGTERM", () => void telemetry.close());
 */
export interface TelemetryClient extends TelemetrySink {
  /** Sends everything queued now (stops at the first failure, leaving the rest queued). */
  flush(): Promise<void>;
  /** Stops the loop after one last flush attempt bounded by `timeoutMs` (default 5 s). */
  close(timeoutMs?: number): Promise<void>;
  stats(): TelemetryStats;
  /** Resolves when no send is in progress (tests). */
  idle(): Promise<void>;
}

/**
 * Creates the client and starts its send loop (in a worker thread where there is more than one core).
 *
 * @example
 * const telemetry = createTelemetryClient({ url: "https://portcullis.example.com", credential: "pcl_…" });
 * const metrics = createEnforcerMetrics({ telemetry });
 * const enforcer = createEnforcer({ policy, sink: fanOutSink(metrics, telemetry) });
 */
export function createTelemetryClient(options: TelemetryClientOptions): TelemetryClient {
  const o = resolveTelemetryOptions(options);
  const queue = new TelemetryBuffer(o.maxQueue, o.maxBatch);
  return o.useWorker ? createWorkerClient(o, queue) : createEventLoopClient(o, queue);
}

/**
 * The client whose batches are built and sent on the event loop (one core, injected fetch or clock,
 * or no worker). @example const client = createEventLoopClient(resolveTelemetryOptions(options), queue);
 */
export function createEventLoopClient(
  o: ReturnType<typeof resolveTelemetryOptions>,
  queue: TelemetryBuffer,
): TelemetryClient {
  const loop = startSendLoop(o, queue);
  const sources = decisionSources();
  let closed = false;
  const emit = (event: TelemetryEvent) => {
    if (closed) return;
    queue.push(event);
    // A full batch goes out at once instead of waiting for the tick, so under load the queue stays one
    // batch deep (a zero-delay timer, never inline: emit() stays O(1) and never starts I/O).
    if (queue.length >= o.maxBatch) loop.kickSoon();
  };
  return {
    emit,
    // A decision is copied into the batch's rows at once: the enforcer's reused record is never kept.
    decision: emit,
    // An untimed decision travels with latency -1; the control plane's histograms count the timed ones.
    decisionTiming: "sampled",
    attachDecisionSource: sources.attach,
    flush: () => {
      sources.drain();
      return loop.flush();
    },
    async close(timeoutMs = 5000) {
      if (closed) return;
      sources.drain();
      closed = true;
      await loop.close(timeoutMs);
    },
    stats: () => {
      sources.drain();
      return { ...loop.stats(), dropped: queue.dropped, thread: "event-loop" };
    },
    idle: () => {
      sources.drain();
      return loop.idle();
    },
  };
}

/**
 * A sink that forwards every event to several sinks (metrics and the network client); one that
 * throws does not stop the others.
 *
 * @example
 * createEnforcer({ policy, sink: fanOutSink(metrics, telemetry) });
 */
export function fanOutSink(...sinks: TelemetrySink[]): TelemetrySink {
  const emit = (event: TelemetryEvent) => {
    for (const sink of sinks) {
      try {
        sink.emit(event);
      } catch {
        // Best effort, per sink.
      }
    }
  };
  // Decisions without an object for the sinks that take them so (the shipped pair: metrics and the client);
  // a sink without `decision` gets an event of its own, which it may keep.
  // Sampled timing only when every sink takes it: one that needs every latency gets every latency.
  const sampled = sinks.length > 0 && sinks.every((sink) => sink.decisionTiming === "sampled");
  // Batches only when every sink takes them (each drains the enforcer's table before it reads).
  const batched = sinks.length > 0 && sinks.every((sink) => sink.attachDecisionSource !== undefined);
  return {
    emit,
    decision(event) {
      for (const sink of sinks) emitDecisionTo(sink, event);
    },
    ...(sampled ? { decisionTiming: "sampled" as const } : {}),
    ...(batched
      ? {
          attachDecisionSource(drain: () => void) {
            for (const sink of sinks) sink.attachDecisionSource?.(drain);
          },
        }
      : {}),
  };
}
