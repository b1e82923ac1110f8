/**
 * The IdP's key set, cached. Fresh for `ttlSec`; then served while one background refresh runs
 * (stale-while-revalidate, so the TTL never adds latency); if the IdP stays unreachable, cached keys
 * keep working for `graceSec` more, then every request fails closed with `jwks_unavailable`.
 * An unknown `kid` forces one refresh (single-flight, at most one per `forcedRefreshMinIntervalSec`),
 * so key rotation causes no downtime and random kids cannot flood the IdP.
 *
 * Issue 23 #8: random kids used to spend that one refresh, and a token signed with a key the IdP had just
 * published was then refused until the interval ended (1,210 failed calls in 7.5 s). Now a request with an
 * unknown kid that finds the throttle held waits for the next permitted refresh (one timer for all waiters,
 * so the fetch rate stays at one forced refresh per interval) instead of failing. The wait is bounded: at
 * most `unknownKidMaxWaiters` requests wait (beyond that they are refused at once), none longer than
 * `unknownKidMaxWaitMs`; a kid that a refresh started after its arrival did not contain is refused at once
 * until the next refresh; and while the IdP is failing, unknown kids are refused at once.
 */
import type { KeyObject } from "node:crypto";
import { performance } from "node:perf_hooks";
import { EnforcerError, ReasonCode } from "../errors.js";
import type { AsymmetricAlg } from "../policy.js";
import { safeEmit } from "../telemetry/sink.js";
import type { TelemetrySink } from "../telemetry/types.js";
import { type ImportedKey, importVerificationKey, selectKey } from "./jwk-import.js";

/** Options of {@link createJwksCache} (all resolved; the validator fills defaults). @example const o: JwksCacheOptions = { jwksUri, issuer, ttlSec: 300, graceSec: 3600, forcedRefreshMinIntervalSec: 10, fetchTimeoutMs: 5000, maxJwksBytes: 524288, now: Date.now } */
export interface JwksCacheOptions {
  jwksUri: string;
  /** Label for telemetry (the configured issuer). */
  issuer: string;
  ttlSec: number;
  graceSec: number;
  forcedRefreshMinIntervalSec: number;
  fetchTimeoutMs: number;
  maxJwksBytes: number;
  now: () => number;
  sink?: TelemetrySink | undefined;
  fetch?: typeof fetch | undefined;
  /** Called after a refresh that dropped a key (rotation end or revocation): results verified with it must go. */
  onKeyRemoved?: (() => void) | undefined;
  /** Requests with an unknown kid that may wait for the next permitted forced refresh. Default 10,000. */
  unknownKidMaxWaiters?: number | undefined;
  /** Longest such a wait, ms. Default 15,000 (the default interval is 10 s). */
  unknownKidMaxWaitMs?: number | undefined;
}

/** Kids a refresh did not contain, remembered (bounded) until the next refresh so that repeats are refused at once. */
const MAX_ABSENT_KIDS = 4096;

/** A cached JWKS. @example const key = await cache.getKey("kid-1", "RS256"); */
export interface JwksCache {
  /** The key for `kid`/`alg`; synchronous while the cache is fresh. `nowMs`: the caller's reading of the same clock, when it has one. */
  getKey(kid: string | undefined, alg: AsymmetricAlg, nowMs?: number): KeyObject | Promise<KeyObject>;
  /** Fetches now (single-flight). */
  refresh(trigger: "scheduled" | "forced" | "initial"): Promise<void>;
  /** The keys currently held (tests, diagnostics). */
  keys(): readonly ImportedKey[];
  /**
   * Whether keys may be trusted right now without a fetch: "fresh", "stale" (within grace; starts a
   * background refresh) or "expired" (none, or past grace). The verified-token cache asks this on
   * every hit, so results verified with keys that are no longer trusted are not served either.
   */
  status(nowMs?: number): "fresh" | "stale" | "expired";
}

/**
 * Creates a JWKS cache for one IdP key set.
 *
 * @example
 * const cache = createJwksCache({ jwksUri, issuer, ttlSec: 300, graceSec: 3600, forcedRefreshMinIntervalSec: 10, fetchTimeoutMs: 5000, maxJwksBytes: 524288, now: Date.now });
 */
export function createJwksCache(opts: JwksCacheOptions): JwksCache {
  const fetchImpl = opts.fetch ?? fetch;
  const ttlMs = opts.ttlSec * 1000;
  const graceMs = opts.graceSec * 1000;
  const retryMs = opts.forcedRefreshMinIntervalSec * 1000;
  let keys: ImportedKey[] | undefined;
  let fetchedAt = 0;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastFailed = false;
  let lastForcedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;
  let inflightStartedAt = 0;
  const maxWaiters = opts.unknownKidMaxWaiters ?? 10_000;
  const maxWaitMs = opts.unknownKidMaxWaitMs ?? 15_000;
  let waiters = 0;
  /** The next permitted forced refresh, shared by every waiting request (one timer, one fetch). */
  let slot: Promise<void> | undefined;
  const absent = new Set<string>();

  function refresh(trigger: "scheduled" | "forced" | "initial"): Promise<void> {
    if (inflight) return inflight;
    inflightStartedAt = performance.now();
    inflight = load(trigger).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function nextForcedRefresh(): Promise<void> {
    if (!slot) {
      const delay = Math.max(0, lastForcedAt + retryMs - opts.now());
      slot = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          slot = undefined;
          lastForcedAt = opts.now();
          refresh("forced").then(resolve, () => resolve());
        }, delay);
        timer.unref?.();
      });
    }
    return slot;
  }

  /** Waits for the next permitted forced refresh, or gives up after `maxWaitMs`. */
  async function waitForSlot(): Promise<void> {
    waiters++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        nextForcedRefresh(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, maxWaitMs);
          timer.unref?.();
        }),
      ]);
    } finally {
      waiters--;
      clearTimeout(timer);
    }
  }

  async function load(trigger: "scheduled" | "forced" | "initial"): Promise<void> {
    const started = performance.now();
    lastAttemptAt = opts.now();
    try {
      const loaded = await fetchKeys(fetchImpl, opts.jwksUri, opts.fetchTimeoutMs, opts.maxJwksBytes);
      const removed = keys?.some((old) => !loaded.some((k) => k.key.equals(old.key))) ?? false;
      keys = loaded;
      absent.clear();
      if (removed) opts.onKeyRemoved?.();
      fetchedAt = opts.now();
      lastFailed = false;
      emit(trigger, "ok", started, { keyCount: loaded.length });
    } catch (err) {
      lastFailed = true;
      emit(trigger, "error", started, { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  function emit(
    trigger: "scheduled" | "forced" | "initial",
    outcome: "ok" | "error",
    started: number,
    extra: { keyCount?: number; error?: string },
  ) {
    const event = {
      type: "jwks_refresh" as const,
      at: opts.now(),
      trigger,
      outcome,
      issuer: opts.issuer,
      latencyMs: performance.now() - started,
      ...extra,
    };
    safeEmit(opts.sink, event);
  }

  function unavailable(cause?: unknown): EnforcerError {
    return new EnforcerError(ReasonCode.JwksUnavailable, "the IdP key set is unavailable", {
      retryAfterSec: Math.max(1, Math.ceil(retryMs / 1000)),
      cause,
    });
  }

  function status(nowMs?: number): "fresh" | "stale" | "expired" {
    const t = nowMs ?? opts.now();
    if (!keys) return "expired";
    if (t - fetchedAt < ttlMs) return "fresh";
    if (t - fetchedAt < ttlMs + graceMs) {
      if (!inflight && !(lastFailed && t - lastAttemptAt < retryMs)) refresh("scheduled").catch(() => undefined);
      return "stale";
    }
    return "expired";
  }

  /** Returns usable keys, or a promise of them when the cache must (re)load first. */
  function current(nowMs?: number): ImportedKey[] | Promise<ImportedKey[]> {
    const t = nowMs ?? opts.now();
    const backingOff = lastFailed && t - lastAttemptAt < retryMs;
    if (keys && t - fetchedAt < ttlMs) return keys;
    if (keys && t - fetchedAt < ttlMs + graceMs) {
      // Stale: serve, refresh in the background (a failure keeps the old keys until grace ends).
      if (!inflight && !backingOff) refresh("scheduled").catch(() => undefined);
      return keys;
    }
    if (backingOff && !inflight) return Promise.reject(unavailable());
    return refresh(keys ? "scheduled" : "initial").then(
      () => keys ?? Promise.reject(unavailable()),
      (err: unknown) => Promise.reject(unavailable(err)),
    );
  }

  /**
   * The key for a kid the cached set lacks: found by a refresh that started after this request arrived, or
   * refused. Waits only as long as the throttle and the bounds above allow.
   */
  async function afterUnknownKid(kid: string | undefined, alg: AsymmetricAlg): Promise<KeyObject> {
    const label = kid ?? "";
    if (absent.has(label)) {
      // Refused at once; the next permitted refresh still comes (a key whose publication lagged gets its chance).
      void nextForcedRefresh();
      throw unknownKid(kid);
    }
    const arrived = performance.now();
    let waited = false;
    for (;;) {
      if (inflight) {
        const fresh = inflightStartedAt >= arrived;
        await inflight.catch(() => undefined);
        const found = selectKey(keys ?? [], kid, alg);
        if (found !== "unknown") return found;
        if (fresh) break; // a key set fetched after this request arrived does not hold the kid
        continue;
      }
      const t = opts.now();
      if (t - lastForcedAt >= retryMs) {
        lastForcedAt = t;
        await refresh("forced").catch(() => undefined);
        const found = selectKey(keys ?? [], kid, alg);
        if (found !== "unknown") return found;
        break;
      }
      // Throttled. The IdP failing, the waiting room full, or the one wait already spent: refuse now.
      if (waited || lastFailed || waiters >= maxWaiters || maxWaitMs === 0) break;
      waited = true;
      await waitForSlot();
      const found = selectKey(keys ?? [], kid, alg);
      if (found !== "unknown") return found;
    }
    if (!lastFailed && inflightStartedAt >= arrived && absent.size < MAX_ABSENT_KIDS) absent.add(label);
    throw unknownKid(kid);
  }

  function unknownKid(kid: string | undefined): EnforcerError {
    return new EnforcerError(ReasonCode.UnknownKid, `unknown kid ${JSON.stringify(kid)}`);
  }

  function getKey(kid: string | undefined, alg: AsymmetricAlg, nowMs?: number): KeyObject | Promise<KeyObject> {
    const ks = current(nowMs);
    if (Array.isArray(ks)) {
      const k = selectKey(ks, kid, alg);
      return k === "unknown" ? afterUnknownKid(kid, alg) : k;
    }
    return ks.then((loaded) => {
      const k = selectKey(loaded, kid, alg);
      return k === "unknown" ? afterUnknownKid(kid, alg) : k;
    });
  }

  return { getKey, refresh, keys: () => keys ?? [], status };
}

async function fetchKeys(
  fetchImpl: typeof fetch,
  uri: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<ImportedKey[]> {
  const res = await fetchImpl(uri, {
    headers: { accept: "application/jwk-set+json, application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`JWKS fetch returned HTTP ${res.status}`);
  }
  const text = await readLimited(res, maxBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("JWKS is not JSON");
  }
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error("JWKS has no keys array");
  const imported = list.map(importVerificationKey).filter((k): k is ImportedKey => k !== undefined);
  // An empty or unusable set is treated as a failed refresh: it must not wipe working keys.
  if (imported.length === 0) throw new Error("JWKS has no usable signing keys");
  return imported;
}

/** Reads a response body up to `maxBytes`, failing as soon as it is exceeded. @example await readLimited(res, 1024) */
export async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`body larger than ${maxBytes} bytes`);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`body larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
