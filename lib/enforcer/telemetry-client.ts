/**
 * The network telemetry sink: events go into a bounded in-memory queue (O(1), never awaited) and a
 * background loop ships them to the control plane's `POST /api/v1/telemetry` in gzip batches of up
 * to 1,000, each with its own `Idempotency-Key`, retried with exponential backoff and jitter. A batch
 * stays queued (same key) until the control plane acknowledges it, so an outage loses nothing that
 * fits in the queue and a retry after a lost response is not stored twice. Telemetry never delays
 * or fails a request: `emit` only pushes into the ring buffer.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { DropOldestQueue } from "./telemetry-queue.js";
import { backoffDelay, realClock, retryAfterMs, sendOutcome, type TelemetryClock } from "./telemetry-transport.js";
import type { TelemetryEvent, TelemetrySink } from "./types.js";

export type { TelemetryClock } from "./telemetry-transport.js";

const gzip = promisify(gzipCallback);
/** The control plane refuses larger batches with 413. */
export const MAX_TELEMETRY_BATCH = 1000;

/**
 * Options of {@link createTelemetryClient}. Checked at construction.
 *
 * @example
 * const opts: TelemetryClientOptions = { url: "https://portcullis.example.com", credential: process.env.PORTCULLIS_CREDENTIAL ?? "" };
 */
export interface TelemetryClientOptions {
  /** The control plane origin (`https://portcullis.example.com`) or the full telemetry endpoint URL. */
  url: string;
  /** The resource's enforcer credential (`pcl_…`), sent as a bearer token. */
  credential: string;
  /** Identifies this process on the fleet view. Defaults: a random id, `os.hostname()`, "unknown". */
  instance?: { id?: string; host?: string; moduleVersion?: string };
  /** Events held at most (oldest dropped beyond). Default 50,000. */
  maxQueue?: number;
  /** Events per batch, 1..1000. Default 1000. */
  maxBatch?: number;
  /** How often queued events are sent. Default 1000 ms. */
  flushIntervalMs?: number;
  /** An empty batch is sent after this much silence, so the fleet view shows the instance online. Default 30 s; 0 disables. */
  heartbeatIntervalMs?: number;
  /** First retry delay; doubles per consecutive failure up to `maxBackoffMs`. Defaults 1 s and 60 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** Compress bodies (Content-Encoding: gzip). Default true. */
  gzip?: boolean;
  fetch?: typeof fetch;
  /** Time and timers (tests drive a manual clock). Default: `Date.now` and unref'd `setTimeout`. */
  clock?: TelemetryClock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Called on each failed attempt or rejected batch (log it; never throw). */
  onError?: (error: Error) => void;
}

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
  events: TelemetryEvent[];
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
  const o = resolveOptions(options);
  const queue = new DropOldestQueue<TelemetryEvent>(o.maxQueue);
  const counters = { rejected: 0, sent: 0, batchesSent: 0, failedAttempts: 0, consecutiveFailures: 0 };
  let inFlight: Batch | undefined;
  let running: Promise<void> | undefined;
  let timer: unknown;
  let closed = false;
  let nextAttemptAt = 0;
  let lastContactAt = o.clock.now();

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
        inFlight = { key: randomUUID(), events: queue.take(o.maxBatch) };
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
      const json = JSON.stringify({ instance: o.instance, events: batch.events });
      const body = o.gzip ? await gzip(json) : json;
      const headers: Record<string, string> = {
        authorization: `Bearer ${o.credential}`,
        "content-type": "application/json",
        "idempotency-key": batch.key,
      };
      if (o.gzip) headers["content-encoding"] = "gzip";
      const res = await o.fetch(o.url, {
        method: "POST",
        headers,
        body,
        // A redirect means a wrong URL: retry (and report) rather than re-POST somewhere else.
        redirect: "manual",
        signal: AbortSignal.timeout(o.requestTimeoutMs),
      });
      status = res.status;
      retryAfter = res.headers.get("retry-after");
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      o.onError(err instanceof Error ? err : new Error(String(err)));
    }
    const outcome = sendOutcome(status);
    if (outcome === "ok") {
      counters.sent += batch.events.length;
      counters.batchesSent++;
      counters.consecutiveFailures = 0;
      nextAttemptAt = 0;
      lastContactAt = o.clock.now();
      return "ok";
    }
    if (outcome === "rejected") {
      counters.rejected += batch.events.length;
      lastContactAt = o.clock.now();
      o.onError(new Error(`telemetry batch of ${batch.events.length} events refused with HTTP ${status}`));
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
      if (!closed) queue.push(event);
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
      queued: queue.length + (inFlight?.events.length ?? 0),
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

function resolveOptions(options: TelemetryClientOptions) {
  const url = new URL(options.url); // throws on a bad URL: fail at startup
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("url must be http(s)");
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/api/v1/telemetry";
  if (!options.credential) throw new TypeError("credential is required");
  const maxBatch = options.maxBatch ?? MAX_TELEMETRY_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_TELEMETRY_BATCH)
    throw new TypeError(`maxBatch must be an integer in 1..${MAX_TELEMETRY_BATCH}`);
  const positive = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0) throw new TypeError(`${name} must be a non-negative number`);
    return v;
  };
  return {
    url: url.toString(),
    credential: options.credential,
    instance: {
      id: (options.instance?.id ?? randomUUID()).slice(0, 100),
      host: (options.instance?.host ?? hostname()).slice(0, 200),
      moduleVersion: (options.instance?.moduleVersion ?? "unknown").slice(0, 50),
    },
    maxQueue: options.maxQueue ?? 50_000,
    maxBatch,
    flushIntervalMs: Math.max(1, positive("flushIntervalMs", options.flushIntervalMs ?? 1000)),
    heartbeatIntervalMs: positive("heartbeatIntervalMs", options.heartbeatIntervalMs ?? 30_000),
    initialBackoffMs: Math.max(1, positive("initialBackoffMs", options.initialBackoffMs ?? 1000)),
    maxBackoffMs: Math.max(1, positive("maxBackoffMs", options.maxBackoffMs ?? 60_000)),
    requestTimeoutMs: Math.max(1, positive("requestTimeoutMs", options.requestTimeoutMs ?? 10_000)),
    gzip: options.gzip ?? true,
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? realClock,
    random: options.random ?? Math.random,
    onError: safeCallback(options.onError),
  };
}

function safeCallback(fn: ((error: Error) => void) | undefined): (error: Error) => void {
  return (error) => {
    try {
      fn?.(error);
    } catch {
      // A throwing logger must not break the send loop.
    }
  };
}
