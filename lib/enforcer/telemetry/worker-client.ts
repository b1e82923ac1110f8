/**
 * The main-thread half of the telemetry worker (worker.ts). `emit` copies the event into a row of
 * the newest segment, as on one core; a zero-delay timer (once a batch is full) and the flush tick
 * transfer whole segments to the worker, which builds, gzips and sends them. Until the worker is ready,
 * events wait in the same bounded queue; if it cannot start (no worker file beside this one, as in a
 * bundle that left it out, or a runtime without workers), or dies, the event loop takes over that queue
 * with the in-loop send loop. The worker is unref'd: like the timers, it never keeps a process alive.
 */
import { Worker } from "node:worker_threads";
import type { TelemetryBuffer } from "./batch.js";
import type { TelemetryClient, TelemetryStats } from "./client.js";
import type { resolveTelemetryOptions } from "./client-options.js";
import { decisionSources } from "./decision.js";
import { type SendLoop, startSendLoop } from "./send-loop.js";
import { realClock } from "./transport.js";
import type { TelemetryEvent } from "./types.js";
// A value import on purpose: the worker file is part of the module graph, so every build emits it (in a
// main thread its body does nothing).
import { type FromWorker, TELEMETRY_WORKER, type ToWorker, type WorkerOptions, type WorkerStats } from "./worker.js";

/**
 * The worker script beside this module: `worker.js` in the built package, `worker.ts` when this module
 * runs from source under a TypeScript loader (the worker inherits the loader through `execArgv`).
 */
function workerScript(): URL {
  const name = import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js";
  return new URL(name, import.meta.url);
}

/**
 * A client whose batches a worker thread builds and sends. @example createWorkerClient(resolveTelemetryOptions(options), queue)
 */
export function createWorkerClient(
  o: ReturnType<typeof resolveTelemetryOptions>,
  queue: TelemetryBuffer,
): TelemetryClient {
  let worker: Worker | undefined;
  let thread: TelemetryStats["thread"] = "starting";
  let loop: SendLoop | undefined;
  let last: WorkerStats = {
    received: 0,
    queued: 0,
    dropped: 0,
    rejected: 0,
    sent: 0,
    batchesSent: 0,
    failedAttempts: 0,
    consecutiveFailures: 0,
  };
  // Hand off once this many events wait (whole batches, at most half the queue), else on the tick.
  const handoffAt = Math.max(
    o.maxBatch,
    Math.min(8 * o.maxBatch, Math.floor(o.maxQueue / 2 / o.maxBatch) * o.maxBatch),
  );
  const sources = decisionSources();
  let posted = 0;
  let lost = 0;
  let closed = false;
  let handoffScheduled = false;
  let tickTimer: unknown;
  let nextId = 0;
  const pending = new Map<number, () => void>();
  let settled: () => void = () => undefined;
  const whenSettled = new Promise<void>((resolve) => {
    settled = resolve;
  });

  /** The event loop takes over (the worker could not start, or died): its queued events are lost, counted. */
  function fallBack(reason: string): void {
    if (thread === "event-loop") return;
    if (thread === "worker") lost += last.queued + (posted - last.received);
    o.onError(
      new Error(
        `telemetry worker ${thread === "worker" ? "stopped" : "unavailable"} (${reason}); sending from the event loop`,
      ),
    );
    worker = undefined;
    thread = "event-loop";
    if (tickTimer !== undefined) o.clock.clearTimeout(tickTimer);
    const { received: _r, queued: _q, dropped: _d, ...counters } = last;
    loop = startSendLoop(o, queue, { counters });
    if (closed) void loop.close(0);
    for (const done of pending.values()) done();
    pending.clear();
    settled();
  }

  function handoff(partial: boolean): void {
    handoffScheduled = false;
    if (thread !== "worker" || !worker) return;
    const segments = queue.takeSegments(partial);
    if (segments.length === 0 && !partial) return;
    const message: ToWorker = { t: "segments", segments: [], send: partial };
    const transfer: ArrayBuffer[] = [];
    for (const segment of segments) {
      posted += segment.length;
      const detached = segment.detach();
      message.segments.push(detached.data);
      transfer.push(...detached.transfer);
    }
    worker.postMessage(message, transfer);
  }

  function tick(): void {
    handoff(true);
    tickTimer = closed || thread === "event-loop" ? undefined : o.clock.setTimeout(tick, o.flushIntervalMs);
  }

  /** Asks the worker to flush, idle or close; resolves with its answer (or at once if it dies). */
  function ask(t: "flush" | "idle" | "close", timeoutMs = 0): Promise<void> {
    const w = worker;
    if (thread !== "worker" || !w) return Promise.resolve();
    const id = ++nextId;
    return new Promise<void>((resolve) => {
      pending.set(id, resolve);
      w.postMessage((t === "close" ? { t, id, timeoutMs } : { t, id }) satisfies ToWorker);
    });
  }

  try {
    const w = new Worker(workerScript(), {
      workerData: { [TELEMETRY_WORKER]: workerOptions(o) },
      execArgv: workerExecArgv(process.execArgv),
      stdout: false,
      stderr: false,
    });
    worker = w;
    w.unref();
    w.on("message", (message: FromWorker) => {
      if (message.t === "ready") {
        thread = "worker";
        settled();
        handoff(false);
        tickTimer = o.clock.setTimeout(tick, o.flushIntervalMs);
      } else if (message.t === "error") {
        o.onError(new Error(message.message));
      } else {
        last = message.stats;
        if (message.t === "stats") for (const buffer of message.buffers) queue.recycle(buffer);
        if (message.t === "done") {
          pending.get(message.id)?.();
          pending.delete(message.id);
        }
      }
    });
    w.on("error", (err) => {
      if (worker === w) fallBack(err.message);
    });
    w.on("exit", (code) => {
      if (worker === w && !closed) fallBack(`exit code ${code}`);
    });
  } catch (err) {
    fallBack(err instanceof Error ? err.message : String(err));
  }

  const emit = (event: TelemetryEvent) => {
    if (closed) return;
    queue.push(event);
    if (queue.length < handoffAt) return;
    // Full batches leave a few at a time (one message per handoff costs the event loop more than the
    // batches in it), through a zero-delay timer: emit() itself never posts a message.
    if (thread === "event-loop") loop?.kickSoon();
    else if (thread === "worker" && !handoffScheduled) {
      handoffScheduled = true;
      realClock.setTimeout(() => handoff(false), 0);
    }
  };

  return {
    emit,
    // A decision is copied into the segment's rows at once: the enforcer's reused record is never kept.
    decision: emit,
    // An untimed decision travels with latency -1; the control plane's histograms count the timed ones.
    decisionTiming: "sampled",
    attachDecisionSource: sources.attach,
    async flush() {
      sources.drain();
      await whenSettled;
      if (thread === "worker") {
        handoff(true);
        await ask("flush");
      }
      if (thread === "event-loop") await loop?.flush();
    },
    async close(timeoutMs = 5000) {
      if (closed) return;
      sources.drain();
      closed = true;
      if (tickTimer !== undefined) o.clock.clearTimeout(tickTimer);
      const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      const last = (async () => {
        await Promise.race([whenSettled, deadline]);
        if (thread === "worker") {
          handoff(true);
          await ask("close", timeoutMs);
        } else if (thread === "event-loop") await loop?.close(timeoutMs);
      })();
      await Promise.race([last, deadline]);
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
    stats() {
      sources.drain();
      if (thread === "event-loop" && loop)
        return { ...loop.stats(), dropped: queue.dropped + last.dropped + lost, thread };
      const { received, ...counters } = last;
      const inTransit = thread === "worker" ? posted - received : 0;
      return {
        ...counters,
        queued: queue.length + inTransit + last.queued,
        dropped: queue.dropped + last.dropped,
        thread,
      };
    },
    async idle() {
      sources.drain();
      await whenSettled;
      await ask("idle");
      await loop?.idle();
    },
  };
}

function workerOptions(o: ReturnType<typeof resolveTelemetryOptions>): WorkerOptions {
  return {
    url: o.url,
    credential: o.credential,
    instance: o.instance,
    maxQueue: o.maxQueue,
    maxBatch: o.maxBatch,
    flushIntervalMs: o.flushIntervalMs,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    initialBackoffMs: o.initialBackoffMs,
    maxBackoffMs: o.maxBackoffMs,
    requestTimeoutMs: o.requestTimeoutMs,
    gzip: o.gzip,
  };
}

/** The process's Node flags (loaders, profilers), minus `--input-type`, which a worker started from a file refuses. */
function workerExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--input-type") i++;
    else if (!arg.startsWith("--input-type=")) out.push(arg);
  }
  return out;
}
