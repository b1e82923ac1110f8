/**
 * Options of the telemetry client, checked once at construction ("fail at startup, not on the first
 * request"), with their defaults.
 */
import { randomUUID } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import { createNodePost, fetchPost } from "./post.js";
import { realClock, type TelemetryClock } from "./transport.js";

/** The control plane refuses larger batches with 413. @example events.length <= MAX_TELEMETRY_BATCH */
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
  /** Send with this `fetch` instead of the built-in `node:http(s)` keep-alive poster (tests, proxies, other runtimes). */
  fetch?: typeof fetch;
  /** Time and timers (tests drive a manual clock). Default: `Date.now` and unref'd `setTimeout`. */
  clock?: TelemetryClock;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Called on each failed attempt or rejected batch (log it; never throw). */
  onError?: (error: Error) => void;
  /**
   * Where batches are built, gzipped and sent. `"auto"` (default): a worker thread when the host has more
   * than one core (`os.availableParallelism() > 1`) and no `fetch`, `clock` or `random` is injected (they
   * cannot cross threads), else the event loop; the event loop also takes over when the worker cannot
   * start. `"worker"` skips the core count check; `"event-loop"` never starts a worker.
   */
  offload?: "auto" | "worker" | "event-loop";
}

/**
 * Checks the options (a bad one throws a TypeError at startup) and fills in the defaults.
 *
 * @example
 * const o = resolveTelemetryOptions({ url: "https://portcullis.example.com", credential: "pcl_…" });
 * o.url // "https://portcullis.example.com/api/v1/telemetry"
 */
export function resolveTelemetryOptions(options: TelemetryClientOptions) {
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
  const offload = options.offload ?? "auto";
  if (!["auto", "worker", "event-loop"].includes(offload))
    throw new TypeError('offload must be "auto", "worker" or "event-loop"');
  const injected = options.fetch !== undefined || options.clock !== undefined || options.random !== undefined;
  return {
    /** Whether a worker thread should ship the batches (see `offload`). */
    useWorker: !injected && (offload === "worker" || (offload === "auto" && availableParallelism() > 1)),
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
    post: options.fetch ? fetchPost(options.fetch, url.toString()) : createNodePost(url.toString()),
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
