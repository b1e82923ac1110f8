/**
 * Types of the enforcer's core: the Fetch pipeline, its options and decisions. Each folder owns its own
 * types (`token/types.ts`, `telemetry/types.ts`, `limits/types.ts`, `mcp/types.ts`). Types only (no runtime
 * code), so every file of `lib/enforcer` (core and adapters) can import them without cycles.
 */
import type { EnforcerError } from "./errors.js";
import type { RateLimiter } from "./limits/types.js";
import type { SessionRegistryOptions } from "./mcp/sessions.js";
import type { ProtectedResourceMetadata } from "./mcp/types.js";
import type { EnforcerPolicy } from "./policy.js";
import type { TelemetrySink } from "./telemetry/types.js";
import type { TokenValidatorOptions, ValidatedToken } from "./token/types.js";

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
  /**
   * MCP sessions bound to their creator (issuer, subject, client): another principal's `Mcp-Session-Id` is
   * refused with 403 `session_mismatch`. Default on (50,000 sessions, forgotten after a day idle); `false` turns it off.
   */
  sessions?: SessionRegistryOptions | false;
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
  /**
   * Binds a session the server just created to the principal of `auth` (adapters call it with the `Mcp-Session-Id`
   * of an `initialize` response; `handle` does it itself). Optional: a hand-written Enforcer may lack it.
   */
  bindSession?(sessionId: string, auth: AuthContext): void;
  metadata(): ProtectedResourceMetadata;
  metadataPaths(): string[];
  /** The tools of `toolNames` this token may call (allowlist, tool scopes, `mcp_allowed_tools`). */
  allowedTools(auth: AuthContext, toolNames: string[]): string[];
  /**
   * Learns from one JSON-RPC message of an allowed request's response: task handles a `tools/call` hands out,
   * `x-mcp-header` declarations of a `tools/list` (MCP 2026-07-28). Optional for hand-written enforcers.
   */
  observeResult?(auth: AuthContext, message: unknown): void;
  readonly policy: EnforcerPolicy | undefined;
}
