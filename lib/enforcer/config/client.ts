/**
 * The enforcer's config client: keeps the enforcer's policy in step with the control plane.
 * Long-polls `GET /api/v1/enforcer/config` with If-None-Match, verifies every bundle (signature
 * against the pinned control-plane JWKS, ES256, typ, schema, resource, monotonic version) before
 * swapping it in atomically, keeps the last good bundle on disk and starts from it when the control
 * plane is unreachable. A bad bundle never replaces a good one: it is reported through `onReject`
 * and the current policy keeps being enforced.
 */
import type { JSONWebKeySet } from "jose";
import type { ConfigBundle, EnforcerPolicy } from "../policy.js";
import { readCacheFile, writeFileAtomic } from "./cache.js";
import { createHeartbeat, type HeartbeatOptions } from "./heartbeat.js";
import { createNodeGet, fetchGet, jitteredBackoff } from "./http.js";
import { createConfigKeySource } from "./keys.js";
import {
  ConfigRejection,
  LATEST_VERSION_HEADER,
  type LatestAnnouncement,
  verifyConfigJws,
  verifyLatestAnnouncement,
} from "./verify.js";

/**
 * Options of {@link createConfigClient}.
 *
 * @example
 * const options: ConfigClientOptions = { url: "https://portcullis.example.com", credential, jwks, resourceId: "res_123", cacheFile: "/var/cache/pcl.jws" };
 */
export interface ConfigClientOptions {
  /** The control plane's base URL, e.g. `https://portcullis.example.com`. */
  url: string;
  /** The enforcer credential (`pcl_…`), sent as a bearer token. */
  credential: string;
  /** The control plane's public JWKS: the object itself (pinned, strongest) or its URL (trusted over TLS). */
  jwks: JSONWebKeySet | string | URL;
  /**
   * The resource this enforcer protects (the id on the resource's page in the dashboard). Required: bundles of
   * any other resource are refused (every resource's bundles are signed by the same control-plane key).
   */
  resourceId: string;
  /**
   * Oldest signed latest-version announcement (`x-portcullis-latest-version`) accepted, seconds. Default 300.
   * A bundle older than the version the control plane announces is refused (`stale_version`), and so is an
   * answer without a fresh announcement (`unannounced`): an old bundle cannot be replayed to a fresh start.
   */
  maxAnnouncementAgeSec?: number;
  /** Where the last good bundle (the JWS) is kept; restarts use it when the control plane is down. */
  cacheFile?: string;
  onUpdate?: (bundle: ConfigBundle) => void;
  onReject?: (rejection: ConfigRejection) => void;
  /** Transport problems (unreachable, 5xx, 401…); the client keeps retrying with backoff. */
  onError?: (error: Error) => void;
  /**
   * A `fetch` for every request of the client (long-poll, JWKS, heartbeats). Without it the long-poll uses
   * `node:http(s)` and the others the global `fetch`. Redirects are never followed.
   */
  fetch?: typeof fetch;
  heartbeat?: HeartbeatOptions;
  /** Long-poll hold asked of the server, seconds (default 30, max 60). */
  waitSec?: number;
  /** Backoff after errors: full jitter between `minMs` and an exponentially growing cap (default 500 ms → 30 s). */
  backoff?: { minMs?: number; maxMs?: number };
}

/**
 * A running config client.
 *
 * @example
 * const policy = client.policy(); // undefined until the first verified bundle
 */
export interface ConfigClient {
  /** Load the cache, fetch once, then keep long-polling in the background. Resolves once the first attempt is done. */
  start(): Promise<void>;
  stop(): void;
  current(): ConfigBundle | undefined;
  policy(): EnforcerPolicy | undefined;
  /** The last problem (rejection or transport error), as reported in heartbeats. */
  lastError(): string | null;
}

const CONFIG_PATH = "api/v1/enforcer/config";
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

/**
 * Create a config client. Feed its getter to the enforcer, which fails closed (503) until a bundle is loaded.
 *
 * @example
 * const client = createConfigClient({
 *   url: "https://portcullis.example.com",
 *   credential: process.env.PORTCULLIS_CREDENTIAL ?? "",
 *   jwks: pinnedJwks, // the JSON of https://portcullis.example.com/.well-known/portcullis-jwks.json
 *   resourceId: "res_123", // the resource's id in the dashboard
 *   cacheFile: "/var/cache/portcullis/config.jws",
 *   heartbeat: { instanceId: hostname(), host: hostname(), moduleVersion: "1.0.0" },
 *   onReject: (r) => console.warn("config refused", r.code, r.message),
 * });
 * await client.start();
 * const enforcer = createEnforcer({ policy: () => client.policy() });
 */
export function createConfigClient(options: ConfigClientOptions): ConfigClient {
  if (!options.credential) throw new TypeError("credential is required");
  // Issue 10 #6: without it, any resource's validly signed bundle was accepted.
  if (typeof options.resourceId !== "string" || options.resourceId === "")
    throw new TypeError(
      'resourceId is required: pass the id of the resource this enforcer protects (shown on its page in the dashboard), e.g. createConfigClient({ ..., resourceId: "res_123" })',
    );
  const maxAnnouncementAgeSec = options.maxAnnouncementAgeSec ?? 300;
  const base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  // The long-poll: node:http unless a fetch is injected (http.ts).
  const get = options.fetch ? fetchGet(options.fetch) : createNodeGet();
  const waitSec = Math.min(Math.max(Math.trunc(options.waitSec ?? 30), 0), 60);
  const minBackoff = options.backoff?.minMs ?? 500;
  const maxBackoff = options.backoff?.maxMs ?? 30_000;
  const keys = createConfigKeySource({
    jwks: options.jwks,
    fetch: fetchImpl,
    cacheFile: options.cacheFile ? `${options.cacheFile}.jwks.json` : undefined,
  });
  const auth = { authorization: `Bearer ${options.credential}` };

  let current: ConfigBundle | undefined;
  let currentJws: string | undefined;
  let etag: string | undefined;
  let rejectedEtag: string | undefined;
  let rejectionError: string | null = null;
  let transportError: string | null = null;
  let running = false;
  let abort = new AbortController();
  let failures = 0;
  /** The highest version a verified announcement named: nothing older is ever taken from the server. */
  let highestAnnounced = 0;
  const heartbeat = options.heartbeat
    ? createHeartbeat(options.heartbeat, {
        url: new URL("api/v1/enforcer/heartbeat", base),
        headers: auth,
        fetch: fetchImpl,
        state: () => ({ appliedVersion: current?.version ?? null, lastError: transportError ?? rejectionError }),
      })
    : undefined;

  async function verify(jws: string): Promise<ConfigBundle> {
    const expect = { resourceId: options.resourceId };
    try {
      return await verifyConfigJws(jws, await keys.get(), expect);
    } catch (err) {
      // A remote JWKS may predate a key rotation: refresh once and try again.
      if (err instanceof ConfigRejection && err.code === "unknown_key" && !keys.pinned)
        return verifyConfigJws(jws, await keys.get({ refresh: true }), expect);
      throw err;
    }
  }

  async function verifyAnnouncement(header: string | null): Promise<LatestAnnouncement> {
    const check = async (refresh: boolean) =>
      verifyLatestAnnouncement(
        header,
        await keys.get(refresh ? { refresh } : undefined),
        Date.now(),
        maxAnnouncementAgeSec,
      );
    try {
      return await check(false);
    } catch (err) {
      if (err instanceof ConfigRejection && err.code === "unknown_key" && !keys.pinned) return check(true);
      throw err;
    }
  }

  function reject(rejection: ConfigRejection): void {
    rejectionError = `${rejection.code}: ${rejection.message}`;
    options.onReject?.(rejection);
  }

  /** Verify and, if acceptable, swap. Returns whether the bundle is now current. */
  async function accept(jws: string, source: "server" | "cache", announcement: string | null = null): Promise<boolean> {
    let bundle: ConfigBundle;
    try {
      bundle = await verify(jws);
      if (source === "server") {
        const latest = await verifyAnnouncement(announcement);
        if (latest.resourceId !== options.resourceId)
          throw new ConfigRejection("wrong_resource", `the announcement is for resource ${latest.resourceId}`);
        highestAnnounced = Math.max(highestAnnounced, latest.version);
        if (bundle.version < highestAnnounced)
          throw new ConfigRejection(
            "stale_version",
            `version ${bundle.version} is older than the announced version ${highestAnnounced} (a replayed bundle?)`,
            bundle.version,
          );
      }
    } catch (err) {
      if (!(err instanceof ConfigRejection)) throw err;
      reject(err);
      return false;
    }
    if (current && bundle.version <= current.version) {
      if (jws.trim() === currentJws) return true; // the same bundle again (e.g. after a restart from cache)
      reject(
        new ConfigRejection(
          "stale_version",
          `version ${bundle.version} is not newer than ${current.version}`,
          bundle.version,
        ),
      );
      return false;
    }
    // The swap: one assignment, so a request sees the old policy or the new one, never a mix.
    current = bundle;
    currentJws = jws.trim();
    rejectionError = null;
    options.onUpdate?.(bundle);
    if (source === "server") {
      // Tell the fleet view soon rather than at the next interval (1-5 s later: not the whole fleet at once).
      heartbeat?.sendAfterApply();
      // After the swap: enforcement never waits for the disk; a crash before the write leaves an older good bundle.
      if (options.cacheFile)
        await writeFileAtomic(options.cacheFile, currentJws).catch((err: unknown) => reportError(err));
    }
    return true;
  }

  function reportError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    transportError = error.message;
    options.onError?.(error);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      abort.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  const backoffMs = () => jitteredBackoff(failures, minBackoff, maxBackoff);

  /** One request. Returns the delay before the next one (0 = at once). */
  async function pollOnce(wait: number): Promise<number> {
    const url = new URL(CONFIG_PATH, base);
    url.searchParams.set("wait", String(wait));
    const headers: Record<string, string> = { ...auth, accept: "application/jose" };
    // After a rejection, also name the refused ETag: the server then holds the poll until something newer.
    const known = [etag, rejectedEtag].filter((t): t is string => Boolean(t));
    if (known.length > 0) headers["if-none-match"] = known.join(", ");
    try {
      const res = await get(url, headers, {
        signal: abort.signal,
        timeoutMs: (wait + 15) * 1000,
        maxBytes: MAX_BUNDLE_BYTES,
      });
      if (res.status === 304) {
        transportError = null;
        failures = 0;
        return 0;
      }
      if (res.status === 200) {
        const jws = res.text;
        const tag = res.header("etag") ?? undefined;
        transportError = null;
        failures = 0;
        if (jws === undefined) reject(new ConfigRejection("malformed", `the bundle exceeds ${MAX_BUNDLE_BYTES} bytes`));
        else if (await accept(jws, "server", res.header(LATEST_VERSION_HEADER))) {
          etag = tag;
          rejectedEtag = undefined;
          return 0;
        }
        rejectedEtag = tag;
        return tag ? 0 : backoffMs();
      }
      // 404: nothing published yet; poll again soon without counting it as a failure.
      if (res.status === 404) return 1000 + Math.random() * 1000;
      throw new Error(`config API answered ${res.status}`);
    } catch (err) {
      if (abort.signal.aborted) return 0;
      failures++;
      reportError(err);
      return backoffMs();
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      const delay = await pollOnce(waitSec);
      if (delay > 0 && running) await sleep(delay);
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      if (!current && options.cacheFile) {
        const cached = await readCacheFile(options.cacheFile);
        if (cached) await accept(cached, "cache").catch((err: unknown) => reportError(err));
      }
      await pollOnce(0);
      heartbeat?.start();
      void loop();
    },
    stop() {
      running = false;
      abort.abort();
      heartbeat?.stop();
    },
    current: () => current,
    policy: () => current?.policy,
    lastError: () => transportError ?? rejectionError,
  };
}
