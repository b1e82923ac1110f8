/**
 * Shared types of the enforcer: the validator, the Fetch core, the telemetry
 * sink and the rate-limiter seam. Types only (no runtime code), so every file
 * of `lib/enforcer` (core and adapters) can import them without cycles.
 */
import type { JWTPayload } from "jose";
import type { EnforcerError, ReasonCode } from "./errors.js";
import type { AsymmetricAlg, EnforcerPolicy, IdpKind } from "./policy.js";

/** The claim shape of a verified JWT (jose's type: registered claims plus anything else). @example const sub: string | undefined = (claims as JWTPayload).sub */
export type { JWTPayload };

/**
 * Options of {@link createTokenValidator}. Checked at construction: a bad option throws a `TypeError` at startup,
 * never on the first request.
 *
 * @example
 * const opts: TokenValidatorOptions = { issuer: "https://idp.example.com/", audience: "api://mcp", jwksUri: "https://idp.example.com/.well-known/jwks.json", profile: "auth0" };
 */
export interface TokenValidatorOptions {
  /** Exact `iss` value(s) accepted (Entra may need both the v1 and v2 forms). */
  issuer: string | readonly string[];
  /** Exact audience(s): the token's `aud` (string or array) must contain one of them. */
  audience: string | readonly string[];
  /** The IdP's JWKS endpoint (the only source of keys; `jku`/`x5u`/`jwk` headers are ignored). */
  jwksUri: string;
  /** Allowed JWS algorithms (asymmetric only). Default `["RS256"]`. */
  algorithms?: readonly AsymmetricAlg[];
  /** Leeway for `exp`/`nbf`/`iat`, seconds. Default 30. */
  clockToleranceSec?: number;
  /** How scopes, roles and the client id are read from the claims. Default `"oidc"`. */
  profile?: IdpKind;
  /** Require the RFC 9068 `typ` header (`at+jwt` or `application/at+jwt`). */
  requireTokenType?: "at+jwt";
  /** Tokens longer than this (bytes) are refused before any parsing. Default 8192. */
  maxTokenBytes?: number;
  /** Refuse tokens whose `exp - iat` exceeds this many seconds (0 or absent: no limit). */
  maxTokenLifetimeSec?: number;
  /** JWKS cache time-to-live, seconds. Default 300. */
  jwksCacheTtlSec?: number;
  /** How long cached keys keep serving after the TTL when the IdP is unreachable, seconds. Default 3600. */
  jwksGraceSec?: number;
  /** At most one forced (unknown-kid) refresh per this many seconds. Default 10. */
  forcedRefreshMinIntervalSec?: number;
  /** JWKS fetch timeout, milliseconds. Default 5000. */
  fetchTimeoutMs?: number;
  /** Largest JWKS document accepted, bytes. Default 512 KiB. */
  maxJwksBytes?: number;
  /** Receives `jwks_refresh` events. */
  sink?: TelemetrySink;
  /** Clock in epoch milliseconds (tests freeze it). Default `Date.now`. */
  now?: () => number;
  /** Capacity of the verified-token LRU (0 disables it). Default 10000. */
  verifiedCacheSize?: number;
  /**
   * For servers: when several tokens that miss the verified-token cache arrive in the same event-loop turn
   * (concurrent requests), run their signature checks back to back in one `setImmediate` callback instead
   * of one between each request's HTTP work. Interleaved with HTTP parsing and socket writes, an RS256
   * check costs far more server CPU than in a tight loop; batched, the server does ≈35% less CPU work per
   * miss at 32 connections and ≈15% less at 4 (`npm run bench:enforcer`, row "coalescing off"). A lone miss
   * is still checked at once, and hits are never deferred. Off by default here, because a caller that
   * validates tokens one after another in one turn (`await` in a loop) would pay an event-loop hop each;
   * `createEnforcer` turns it on.
   */
  coalesceVerifications?: boolean;
  /** Fetch implementation for the JWKS (tests, proxies). Default global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * A token that passed every check, normalized across IdP profiles.
 *
 * @example
 * const t: ValidatedToken = await validator.validate(jwt); if (t.scopes.includes("mcp:tools")) ...
 */
export interface ValidatedToken {
  claims: JWTPayload;
  subject: string;
  clientId: string | undefined;
  scopes: string[];
  roles: string[];
  /** `exp`, epoch seconds. */
  expiresAt: number;
}

/**
 * Validates bearer tokens; throws {@link EnforcerError} on any failure.
 *
 * @example
 * const token = await validator.validate(bearer);
 */
export interface TokenValidator {
  validate(token: string): Promise<ValidatedToken>;
  /** Stops background work (none today; kept for adapters that own the validator). */
  close?(): void;
}

/**
 * Where telemetry goes. `emit` must never throw and never block the request path.
 *
 * @example
 * const sink: TelemetrySink = { emit: (e) => queue.push(e) };
 */
export interface TelemetrySink {
  emit(event: TelemetryEvent): void;
}

/** One telemetry event (`at` is epoch milliseconds). @example sink.emit({ type: "rate_limit", at: Date.now(), clientId: "c", category: "tool", resource: uri }) */
export type TelemetryEvent =
  | {
      type: "decision";
      at: number;
      outcome: "allow" | "deny";
      reason?: ReasonCode;
      resource: string;
      clientId?: string;
      subject?: string;
      method?: string;
      tool?: string;
      latencyMs: number;
      cacheHit?: boolean;
    }
  | {
      type: "jwks_refresh";
      at: number;
      trigger: "scheduled" | "forced" | "initial";
      outcome: "ok" | "error";
      keyCount?: number;
      error?: string;
      issuer: string;
      latencyMs: number;
    }
  | {
      type: "obo_exchange";
      at: number;
      downstream: string;
      outcome: "ok" | "error";
      cacheHit: boolean;
      latencyMs: number;
      error?: string;
    }
  | {
      type: "rate_limit";
      at: number;
      clientId: string;
      category: "tool" | "resource" | "failed_auth" | "token_refresh";
      resource: string;
    };

/**
 * A fixed-window (or better) counter. Implemented in memory and on Redis by `rate-limit.ts`.
 *
 * @example
 * const r = await limiter.hit(`tool:${clientId}`, 100, 60); if (!r.allowed) deny(r.retryAfterSec);
 */
export interface RateLimiter {
  hit(
    key: string,
    limit: number,
    windowSec: number,
  ): Promise<{ allowed: boolean; retryAfterSec: number; remaining: number }>;
  /** Read-only check (no increment); used for failed-auth lockout before validating. Optional. */
  peek?(
    key: string,
    limit: number,
    windowSec: number,
  ): Promise<{ allowed: boolean; retryAfterSec: number; remaining: number }>;
}

/**
 * What the enforcer learned about an allowed request; handed to the MCP server's handlers.
 *
 * @example
 * next(req, auth) // auth.token.subject, auth.tool
 */
export interface AuthContext {
  token: ValidatedToken;
  /** JSON-RPC method (POST only). */
  method?: string;
  /** `params.name` of a `tools/call`. */
  tool?: string;
  /** JSON-RPC id of the request (absent for notifications). */
  requestId?: string | number;
  /** The parsed JSON-RPC message. */
  message?: unknown;
  /** Whether the token came from the verified-token cache. */
  cacheHit?: boolean;
}

/**
 * The result of {@link Enforcer.authorize}.
 *
 * @example
 * const d = await enforcer.authorize(req); if (!d.allowed) return d.response;
 */
export type Decision =
  | { allowed: true; auth: AuthContext; body: string | undefined }
  | { allowed: false; error: EnforcerError; response: Response };

/** Post-processes an allowed response (e.g. filters `tools/list`). @example const f: ResponseFilter = async (res) => res */
export type ResponseFilter = (response: Response, auth: AuthContext, enforcer: Enforcer) => Promise<Response>;

/**
 * Options of {@link createEnforcer}.
 *
 * @example
 * createEnforcer({ policy: () => configClient.current(), sink, rateLimiter });
 */
export interface EnforcerOptions {
  /** The policy, or a getter (atomic swaps by the config client). A getter returning undefined → 503 policy_unavailable. */
  policy: EnforcerPolicy | (() => EnforcerPolicy | undefined);
  sink?: TelemetrySink;
  /** Largest request body read, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Clock in epoch milliseconds. */
  now?: () => number;
  /** Optional: when absent, no rate limiting. */
  rateLimiter?: RateLimiter;
  /** Validator options that the policy does not carry (JWKS TTL, grace, fetch…). */
  validatorOverrides?: Partial<TokenValidatorOptions>;
  /** Post-processes allowed responses (tools/list filtering). */
  responseFilter?: ResponseFilter;
  /** Client address for failed-auth lockout keys (adapters pass the socket address). Default: none (keyed by "anonymous"). */
  clientAddress?: (request: Request) => string | undefined;
}

/**
 * RFC 9728 §2 protected resource metadata.
 *
 * @example
 * const doc: ProtectedResourceMetadata = enforcer.metadata();
 */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ["header"];
  resource_name?: string;
  resource_documentation?: string;
}

/**
 * A request as {@link Enforcer.authorizeParts} takes it: what the decision needs, without a Fetch `Request`
 * (on Node 20 building a `Request` with a body and reading it back costs more than the whole decision on a
 * verified-token cache hit).
 *
 * @example
 * const parts: RequestParts = {
 *   method: "POST",
 *   url: "https://mcp.example.com/mcp",
 *   header: (name) => headers.get(name),
 *   readBody: () => bodyText, // or a Promise of it
 * };
 * const decision = await enforcer.authorizeParts(parts);
 */
export interface RequestParts {
  method: string;
  /** Absolute URL (only its query is read: `access_token` there is refused). */
  url: string;
  /**
   * A header value by lower-case name, repeated headers joined with ", " (duplicate `Authorization` headers
   * must stay visible so they can be refused), `null` when absent.
   */
  header(name: string): string | null;
  /**
   * The body text, bounded: throws (or rejects with) `EnforcerError(body_too_large)` past the limit. Called at
   * most once, only for a POST and only after the token is valid; may return the text directly when it is
   * already in memory.
   */
  readBody(): string | Promise<string>;
  /** The client's network address for the failed-auth lockout, when known. */
  clientAddress?: string;
}

/**
 * The Fetch-API core.
 *
 * @example
 * const res = await enforcer.handle(request, (req, auth) => mcpHandler(req, auth));
 */
export interface Enforcer {
  /** Authorizes one request (reads its body once and returns the text so the caller can pass it on). */
  authorize(request: Request): Promise<Decision>;
  /**
   * The same decision from request parts (the Node adapters use it: no Fetch `Request` per call). The denial
   * `response` is the same Fetch `Response` as `authorize` returns.
   */
  authorizeParts(parts: RequestParts): Promise<Decision>;
  /** Serves RFC 9728 metadata itself; authorizes; calls `next` with a fresh Request carrying the same body; filters the response. */
  handle(request: Request, next: (request: Request, auth: AuthContext) => Promise<Response>): Promise<Response>;
  metadata(): ProtectedResourceMetadata;
  metadataPaths(): string[];
  /** The tools of `toolNames` this token may call (allowlist, tool scopes, `mcp_allowed_tools`). */
  allowedTools(auth: AuthContext, toolNames: string[]): string[];
  readonly policy: EnforcerPolicy | undefined;
}
