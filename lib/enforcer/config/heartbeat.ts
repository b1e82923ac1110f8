/**
 * Fleet heartbeats: every `intervalMs` (default 30 s), and 1-5 s after applying a new bundle, the enforcer
 * tells the control plane who it is, which config version it applies and its last problem. Best effort: a failed heartbeat is
 * dropped (the next one carries the same information); it never affects enforcement.
 */

/**
 * Who this enforcer instance is.
 *
 * @example
 * const heartbeat: HeartbeatOptions = { instanceId: hostname(), host: hostname(), moduleVersion: "1.0.0" };
 */
export interface HeartbeatOptions {
  instanceId: string;
  host: string;
  moduleVersion: string;
  intervalMs?: number;
  /**
   * The heartbeat that reports a newly applied bundle goes out after a random delay between a fifth of this
   * and this many ms (default 5,000: 1-5 s), not at once: a publish wakes the whole fleet together, and a
   * thousand heartbeats arriving while the control plane is still answering the fleet's long-polls made the
   * last enforcers wait (bench:config `--heartbeats`). At most one is pending; it reports the state when it
   * is sent. 0 sends it at once. At most 300,000.
   */
  afterApplyMaxDelayMs?: number;
}

interface HeartbeatDeps {
  url: URL;
  headers: Record<string, string>;
  fetch: typeof fetch;
  state: () => { appliedVersion: number | null; lastError: string | null };
}

/**
 * Create the heartbeat timer (used by the config client).
 *
 * @example
 * const hb = createHeartbeat({ instanceId: "web-1", host: "web-1", moduleVersion: "1.0.0" }, deps);
 * hb.start(); // sends now, then every 30 s
 */
export function createHeartbeat(options: HeartbeatOptions, deps: HeartbeatDeps) {
  const maxDelay = options.afterApplyMaxDelayMs ?? 5_000;
  if (typeof maxDelay !== "number" || !Number.isFinite(maxDelay) || maxDelay < 0 || maxDelay > 300_000)
    throw new TypeError("heartbeat.afterApplyMaxDelayMs must be a number of ms from 0 to 300000");
  let timer: ReturnType<typeof setInterval> | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;
  async function send(): Promise<boolean> {
    const { appliedVersion, lastError } = deps.state();
    try {
      const res = await deps.fetch(deps.url, {
        method: "POST",
        headers: { ...deps.headers, "content-type": "application/json" },
        body: JSON.stringify({
          instanceId: options.instanceId,
          host: options.host.slice(0, 255),
          moduleVersion: options.moduleVersion.slice(0, 50),
          appliedVersion,
          lastError: lastError?.slice(0, 1000) ?? null,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }
  return {
    send,
    /** Reports a newly applied bundle, after the random delay of `afterApplyMaxDelayMs` (one pending at most). */
    sendAfterApply(): void {
      if (maxDelay === 0) {
        void send();
        return;
      }
      if (pending) return; // the pending one reads the state when it goes out, so it reports this bundle too
      pending = setTimeout(
        () => {
          pending = undefined;
          void send();
        },
        maxDelay / 5 + Math.random() * ((maxDelay * 4) / 5),
      );
      pending.unref?.();
    },
    start() {
      if (timer) return;
      // This one reports the state now, so a report still waiting from an apply before it is not needed.
      if (pending) clearTimeout(pending);
      pending = undefined;
      void send();
      timer = setInterval(() => void send(), options.intervalMs ?? 30_000);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (pending) clearTimeout(pending);
      pending = undefined;
    },
  };
}
