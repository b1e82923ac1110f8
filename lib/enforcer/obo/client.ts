/**
 * On-behalf-of token exchange: a tool calling a downstream API as the user
 * trades the user's token for one scoped to that API (DOMAIN.md, "OBO").
 * Entra: its native OBO grant (`jwt-bearer` + `requested_token_use=on_behalf_of`);
 * others: RFC 8693 token exchange.
 *
 * Exchanges cost an IdP round trip, so results are cached by sha256(user token,
 * downstream, scope) until shortly before `expires_in`, in a bounded LRU, and
 * concurrent exchanges of the same key share one request (single-flight).
 * Client credentials come from the options, never from the policy bundle (the
 * bundle is distributed to every enforcer and is not a secret store).
 */
import { createHash } from "node:crypto";
import type { EnforcerPolicy } from "../policy.js";
import { safeEmit } from "../telemetry/sink.js";
import type { TelemetrySink } from "../telemetry/types.js";
import { assertTokenEndpointAllowed } from "./endpoint-guard.js";
import { OboConsentRequiredError, OboError } from "./errors.js";
import { requestToken } from "./request.js";
import type { OboClientCredentials, OboDownstreamConfig, OboToken } from "./types.js";

export { OboConsentRequiredError, OboError, type OboErrorCode } from "./errors.js";
export type { OboClientCredentials, OboDownstreamConfig, OboToken } from "./types.js";

/** Options of {@link createOboClient}. @example const opts: OboClientOptions = { downstreams: policy.obo, credentials, sink }; */
export interface OboClientOptions {
  /** Downstreams defined in code (trusted as written), or a getter. Give this or `policy`, not both. */
  downstreams?: readonly OboDownstreamConfig[] | (() => readonly OboDownstreamConfig[]);
  /**
   * Downstreams managed by the control plane: the current policy (a config client's `policy()`). Its `obo` list is
   * used, and a token endpoint off the policy IdP's origins is refused (`token_endpoint_refused`) unless listed in
   * `allowTokenEndpointOrigins`: the bundle's author must not be able to send this server's secrets elsewhere.
   */
  policy?: () => EnforcerPolicy | undefined;
  /** Token endpoint origins trusted besides the IdP's own, with `policy` (e.g. `["https://oauth2.googleapis.com"]`). */
  allowTokenEndpointOrigins?: readonly string[];
  /** Credentials for every downstream, or per downstream. */
  credentials: OboClientCredentials | ((downstream: OboDownstreamConfig) => OboClientCredentials);
  sink?: TelemetrySink;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Most cached exchanges (LRU). Default 1000. */
  cacheSize?: number;
  /** Exchange again this many seconds before the downstream token expires. Default 60. */
  refreshSkewSec?: number;
  /** Token endpoint timeout, milliseconds. Default 10,000. */
  timeoutMs?: number;
}

/** The OBO client. @example const t = await obo.exchange(bearerFromRequest, "graph") */
export interface OboClient {
  exchange(userToken: string, downstreamName: string): Promise<OboToken>;
  /** Number of cached exchanges (for tests and metrics). */
  readonly cacheSize: number;
}

interface CacheEntry {
  token: OboToken;
  refreshAtMs: number;
}

/**
 * Creates an OBO client for the downstreams of a policy.
 *
 * @example
 * const obo = createOboClient({ downstreams: () => enforcer.policy?.obo ?? [], credentials: { clientId, clientSecret: env.OBO_SECRET }, sink });
 * const graph = await obo.exchange(userBearer, "graph"); // graph.accessToken carries the user's sub
 */
export function createOboClient(opts: OboClientOptions): OboClient {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.cacheSize ?? 1000;
  const skewSec = opts.refreshSkewSec ?? 60;
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<OboToken>>();
  if ((opts.downstreams === undefined) === (opts.policy === undefined))
    throw new TypeError("createOboClient: give either downstreams (code) or policy (control plane), not both");
  const allowedOrigins = opts.allowTokenEndpointOrigins ?? [];
  const policyOf = opts.policy;
  const downstreams = policyOf
    ? () => policyOf()?.obo ?? []
    : typeof opts.downstreams === "function"
      ? opts.downstreams
      : () => opts.downstreams as readonly OboDownstreamConfig[];
  /** With a managed policy, refuse a token endpoint the IdP does not own before any secret is read. */
  function checkEndpoint(downstream: OboDownstreamConfig): void {
    const idp = policyOf?.()?.idp;
    if (idp) assertTokenEndpointAllowed(downstream, idp, allowedOrigins);
  }
  const credentialsFor =
    typeof opts.credentials === "function" ? opts.credentials : () => opts.credentials as OboClientCredentials;

  function emit(
    downstream: string,
    outcome: "ok" | "error",
    cacheHit: boolean,
    startedMs: number,
    error?: string,
  ): void {
    safeEmit(opts.sink, {
      type: "obo_exchange",
      at: now(),
      downstream,
      outcome,
      cacheHit,
      latencyMs: now() - startedMs,
      error,
    });
  }

  async function fetchAndCache(key: string, userToken: string, downstream: OboDownstreamConfig): Promise<OboToken> {
    const started = now();
    try {
      checkEndpoint(downstream);
      const token = await requestToken(userToken, downstream, credentialsFor(downstream), {
        fetch: opts.fetch ?? fetch,
        nowSec: () => Math.floor(now() / 1000),
        timeoutMs: opts.timeoutMs ?? 10_000,
      });
      const lifetimeSec = token.expiresAt - Math.floor(started / 1000);
      // Refresh before expiry; for very short tokens, at half-life rather than never caching.
      const refreshAtMs = started + Math.max(0, lifetimeSec - Math.min(skewSec, lifetimeSec / 2)) * 1000;
      cache.delete(key);
      cache.set(key, { token, refreshAtMs });
      while (cache.size > maxEntries) {
        const oldest = cache.keys().next();
        if (oldest.done) break;
        cache.delete(oldest.value);
      }
      emit(downstream.name, "ok", false, started);
      return token;
    } catch (err) {
      emit(
        downstream.name,
        "error",
        false,
        started,
        err instanceof OboError ? (err.oauthError ?? err.code) : "exchange_failed",
      );
      throw err;
    }
  }

  return {
    async exchange(userToken, downstreamName) {
      const started = now();
      const downstream = downstreams().find((d) => d.name === downstreamName);
      if (!downstream)
        throw new OboError("unknown_downstream", `no OBO downstream named ${JSON.stringify(downstreamName)}`);
      const key = createHash("sha256")
        .update(`${downstream.name}\0${downstream.tokenEndpoint}\0${downstream.scope}\0${downstream.audience ?? ""}\0`)
        .update(userToken)
        .digest("base64url");
      const hit = cache.get(key);
      if (hit && now() < hit.refreshAtMs) {
        cache.delete(key); // LRU: most recently used goes last
        cache.set(key, hit);
        emit(downstream.name, "ok", true, started);
        return hit.token;
      }
      if (hit) cache.delete(key);
      const pending = inflight.get(key);
      if (pending) return pending;
      const promise = fetchAndCache(key, userToken, downstream).finally(() => inflight.delete(key));
      inflight.set(key, promise);
      return promise;
    },
    get cacheSize() {
      return cache.size;
    },
  };
}

/** True for the errors a caller should surface as "consent needed" rather than retry. @example if (isConsentRequired(e)) ... */
export function isConsentRequired(err: unknown): err is OboConsentRequiredError {
  return err instanceof OboConsentRequiredError;
}
