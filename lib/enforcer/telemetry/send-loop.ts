/**
 * The telemetry send loop: takes batches off a {@link TelemetryBuffer}, builds their wire form, gzips
 * and POSTs them, each with its own `Idempotency-Key`, retried with exponential backoff and jitter. A
 * batch stays in flight (same key) until the control plane acknowledges it, so an outage loses nothing
 * that fits in the queue and a retry after a lost response is not stored twice. The same loop runs in
 * the telemetry worker thread (worker.ts) or, where there is no worker, on the event loop (client.ts).
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { TelemetryBuffer, TelemetrySegment } from "./batch.js";
import type { TelemetryPost } from "./post.js";
import { backoffDelay, retryAfterMs, sendOutcome, type TelemetryClock } from "./transport.js";

/** What the loop needs of the resolved client options (client-options.ts). */
export interface SendLoopOptions {
  credential: string;
  instance: { id: string; host: string; moduleVersion: string };
  maxBatch: number;
  flushIntervalMs: number;
  heartbeatIntervalMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  requestTimeoutMs: number;
  gzip: boolean;
  post: TelemetryPost;
  clock: TelemetryClock;
  random: () => number;
  onError: (error: Error) => void;
}

/** The loop's counters (the client's stats without the queue's). */
export interface SendCounters {
  rejected: number;
  sent: number;
  batchesSent: number;
  failedAttempts: number;
  consecutiveFailures: number;
}

/** A running send loop. @example const loop = startSendLoop(o, queue); queue.push(e); loop.kickSoon(); */
export interface SendLoop {
  /** Sends soon (zero-delay timer, never inline) when a full batch waits and no backoff holds. */
  kickSoon(): void;
  /** Runs one pass now (a partial batch too) unless a backoff holds. */
  pump(): Promise<void>;
  flush(): Promise<void>;
  close(timeoutMs: number): Promise<void>;
  /** Events held by the loop (queue plus the batch in flight) and the counters. */
  stats(): SendCounters & { queued: number };
  idle(): Promise<void>;
}

interface Batch {
  key: string;
  segment: TelemetrySegment;
}

/**
 * Starts the loop's timer (flush interval, backoff, heartbeat); `afterAttempt` runs after each send.
 *
 * @example
 * const loop = startSendLoop(resolved, new TelemetryBuffer(50_000, 1000));
 */
export function startSendLoop(
  o: SendLoopOptions,
  queue: TelemetryBuffer,
  {
    counters = { rejected: 0, sent: 0, batchesSent: 0, failedAttempts: 0, consecutiveFailures: 0 },
    afterAttempt = () => undefined,
    recycle = (buffer) => queue.recycle(buffer),
  }: {
    counters?: SendCounters;
    afterAttempt?: () => void;
    /** Where a sent batch's column buffer goes (the queue's spares; the worker returns it to the main thread). */
    recycle?: (buffer: ArrayBuffer | undefined) => void;
  } = {},
): SendLoop {
  let inFlight: Batch | undefined;
  let running: Promise<void> | undefined;
  let timer: unknown;
  let closed = false;
  let nextAttemptAt = 0;
  let lastContactAt = o.clock.now();
  let kick: unknown;

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
      if (result !== "retry") {
        inFlight = undefined;
        recycle(batch.segment.release());
      }
      afterAttempt();
      if (result === "retry") return;
      // A full batch may mean a backlog (after an outage): keep going instead of one batch per tick.
      if (queue.length < o.maxBatch && !force) return;
      if (queue.length === 0) return;
    }
  }

  async function send(batch: Batch): Promise<"ok" | "retry" | "rejected"> {
    let status = 0;
    let retryAfter: string | null = null;
    try {
      // Decisions travel as columns (batch.ts, wire.ts).
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
    kickSoon: () => {
      if (queue.length >= o.maxBatch) kickSoon();
    },
    pump: () => pump(false),
    async flush() {
      await running;
      await pump(true);
    },
    async close(timeoutMs) {
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
    stats: () => ({ queued: queue.length + (inFlight?.segment.length ?? 0), ...counters }),
    idle: async () => {
      while (running) await running;
    },
  };
}
