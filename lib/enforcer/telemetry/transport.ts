/**
 * The retry policy of the telemetry client: what an HTTP status means for a batch, exponential
 * backoff with jitter, `Retry-After` (RFC 9110 §10.2.3), and the clock seam tests drive by hand.
 */

/**
 * Time and timers. The real one unrefs its timers so telemetry never keeps a process alive.
 *
 * @example
 * const clock: TelemetryClock = { now: Date.now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
 */
export interface TelemetryClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** `Date.now` and unref'd Node timers. @example createTelemetryClient({ url, credential, clock: realClock }) */
export const realClock: TelemetryClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * What to do with a batch after an answer with `status` (0 = no answer: network error or timeout).
 * Authentication failures are retried, not dropped: an operator fixing the credential should not
 * lose what was queued meanwhile (the queue bound caps the memory either way).
 *
 * @example
 * sendOutcome(503) // "retry"
 */
export function sendOutcome(status: number): "ok" | "retry" | "rejected" {
  if (status >= 200 && status < 300) return "ok";
  if (status === 0 || status === 401 || status === 403 || status === 408 || status === 429) return "retry";
  if (status >= 400 && status < 500) return "rejected"; // 400/413/415/422: resending cannot help
  return "retry";
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay fixed, half random, so
 * enforcers restarted together do not retry in lockstep, yet none retries immediately.
 *
 * @example
 * backoffDelay(3, 1000, 60_000, Math.random) // between 2000 and 4000
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * `Retry-After` as milliseconds (delta-seconds or an HTTP date), capped; 0 when absent or invalid.
 *
 * @example
 * retryAfterMs("2", 60_000) // 2000
 */
export function retryAfterMs(value: string | null, capMs: number): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(capMs, seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return 0;
  return Math.min(capMs, Math.max(0, date - Date.now()));
}
