/**
 * The network telemetry sink: events are copied into the columns of a bounded in-memory queue
 * (telemetry-batch.ts: O(1), never awaited, no event object kept) and a
 * background loop ships them to the control plane's `POST /api/v1/telemetry` in gzip batches of up
 * to 1,000, each with its own `Idempotency-Key`, retried with exponential backoff and jitter. A batch
 * stays queued (same key) until the control plane acknowledges it, so an outage loses nothing that
 * fits in the queue and a retry after a lost response is not stored twice. Telemetry never delays
 * or fails a request: `emit` only copies the event into the queue.
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { TelemetryBuffer, type TelemetrySegment } from "./batch.js";
import { resolveTelemetryOptions, type TelemetryClientOptions } from "./client-options.js";
import { backoffDelay, retryAfterMs, sendOutcome } from "./transport.js";
import type { TelemetrySink } from "./types.js";

export { MAX_TELEMETRY_BATCH, type TelemetryClientOptions } from "./client-options.js";
export type { TelemetryClock } from "./transport.js";

/**
 * Counters of a {@link TelemetryClient}.
 *
 * @example
 * const { queued, dropped } = client.stats();
 */
export interface TelemetryStats {
  /** Events waiting, including the batch being sent. */
  queued: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  /** Events the control plane refused for good (4xx other than 401/403/408/429), dropped. */
  rejected: number;
  /** Events acknowledged by the control plane. */
  sent: number;
  batchesSent: number;
  failedAttempts: number;
  consecutiveFailures: number;
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

interface Batch {
  key: string;
  segment: TelemetrySegment;
}

/**
 * Creates the client and starts its send loop.
 *
 * @example
 * const telemetry = createTelemetryClient({ url: "https://portcullis.example.com", credential: "pcl_…" });
 * const metrics = createEnforcerMetrics({ telemetry });
 * const enforcer = createEnforcer({ policy, sink: fanOutSink(metrics, telemetry) });
 */
export function createTelemetryClient(options: TelemetryClientOptions): TelemetryClient {
  const o = resolveTelemetryOptions(options);
  const queue = new TelemetryBuffer(o.maxQueue, o.maxBatch);
  const counters = { rejected: 0, sent: 0, batchesSent: 0, failedAttempts: 0, consecutiveFailures: 0 };
  let inFlight: Batch | undefined;
  let running: Promise<void> | undefined;
  let timer: unknown;
  let closed = false;
  let nextAttemptAt = 0;
  let lastContactAt = o.clock.now();
  let kick: unknown;

  /**
   * A full batch goes out at once instead of waiting for the tick, so under load the queue stays one
   * batch deep. A zero-delay timer, never inline: emit() stays O(1) and never starts I/O on the request path.
   */
  function kickSoon(): void {
    if (kick !== undefined || running || closed || o.clock.now() < nextAttemptAt) return;
    kick = o.clock.setTimeout(() => {
      kick = undefined;
      void pump(false);
    }, 0);
  }

  function arm(delayMs: number): void {
    if (closed) return;
    if (timer !== undefined) o.clock.clearTimeout(timer);
    timer = o.clock.setTimeout(() => {
      timer = undefined;
      void pump(false).finally(() => arm(nextDelay()));
    }, delayMs);
  }

  function nextDelay(): number {
    const wait = nextAttemptAt - o.clock.now();
    return wait > 0 ? Math.max(wait, 1) : o.flushIntervalMs;
  }

  /** One send loop at a time; concurrent callers share it. */
  function pump(force: boolean): Promise<void> {
    running ??= drain(force).finally(() => {
      running = undefined;
    });
    return running;
  }

  async function drain(force: boolean): Promise<void> {
    for (;;) {
      if (!force && o.clock.now() < nextAttemptAt) return;
      if (!inFlight) {
        const heartbeatDue = o.heartbeatIntervalMs > 0 && o.clock.now() - lastContactAt >= o.heartbeatIntervalMs;
        if (queue.length === 0 && !heartbeatDue) return;
        inFlight = { key: randomUUID(), segment: queue.take() };
      }
      const batch = inFlight;
      const result = await send(batch);
      if (result === "retry") return;
      inFlight = undefined;
      // A full batch may mean a backlog (after an outage): keep going instead of one batch per tick.
      if (queue.length < o.maxBatch && !force) return;
      if (queue.length === 0) return;
    }
  }

  async function send(batch: Batch): Promise<"ok" | "retry" | "rejected"> {
    let status = 0;
    let retryAfter: string | null = null;
    try {
      // Decisions travel as columns (telemetry-batch.ts, telemetry-wire.ts).
      const json = batch.segment.toWire(o.instance);
      // Level 1, synchronous: a few tens of µs per batch of 1,000 (run-length coded columns are small),
      // less CPU in total than the async API, whose per-call stream set-up costs 2-3x the compression.
      const body = o.gzip ? gzipSync(json, { level: 1 }) : json;
      const headers: Record<string, string> = {
        authorization: `Bearer ${o.credential}`,
        "content-type": "application/json",
        "idempotency-key": batch.key,
      };
      if (o.gzip) headers["content-encoding"] = "gzip";
      ({ status, retryAfter } = await o.post(headers, body, o.requestTimeoutMs));
    } catch (err) {
      o.onError(err instanceof Error ? err : new Error(String(err)));
    }
    const outcome = sendOutcome(status);
    if (outcome === "ok") {
      counters.sent += batch.segment.length;
      counters.batchesSent++;
      counters.consecutiveFailures = 0;
      nextAttemptAt = 0;
      lastContactAt = o.clock.now();
      return "ok";
    }
    if (outcome === "rejected") {
      counters.rejected += batch.segment.length;
      lastContactAt = o.clock.now();
      o.onError(new Error(`telemetry batch of ${batch.segment.length} events refused with HTTP ${status}`));
      return "rejected";
    }
    counters.failedAttempts++;
    counters.consecutiveFailures++;
    if (status) o.onError(new Error(`telemetry endpoint answered HTTP ${status}; retrying`));
    const delay = Math.max(
      backoffDelay(counters.consecutiveFailures, o.initialBackoffMs, o.maxBackoffMs, o.random),
      retryAfterMs(retryAfter, o.maxBackoffMs),
    );
    nextAttemptAt = o.clock.now() + delay;
    return "retry";
  }

  arm(o.flushIntervalMs);

  return {
    emit(event) {
      if (closed) return;
      queue.push(event);
      if (queue.length >= o.maxBatch) kickSoon();
    },
    async flush() {
      await running;
      await pump(true);
    },
    async close(timeoutMs = 5000) {
      if (closed) return;
      if (timer !== undefined) o.clock.clearTimeout(timer);
      const last = (async () => {
        await running;
        nextAttemptAt = 0;
        await pump(true);
      })();
      closed = true;
      await Promise.race([last, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
    stats: () => ({
      queued: queue.length + (inFlight?.segment.length ?? 0),
      dropped: queue.dropped,
      ...counters,
    }),
    idle: async () => {
      while (running) await running;
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
  return {
    emit(event) {
      for (const sink of sinks) {
        try {
          sink.emit(event);
        } catch {
          // Best effort, per sink.
        }
      }
    },
  };
}
