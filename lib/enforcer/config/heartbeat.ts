/**
 * Fleet heartbeats: every `intervalMs` (default 30 s) the enforcer tells the control plane who it
 * is, which config version it applies and its last problem. Best effort: a failed heartbeat is
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
  let timer: ReturnType<typeof setInterval> | undefined;
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
    start() {
      if (timer) return;
      void send();
      timer = setInterval(() => void send(), options.intervalMs ?? 30_000);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
