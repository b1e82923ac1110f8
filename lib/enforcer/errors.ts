/**
 * One enumeration of every reason the enforcer can refuse a request, and the
 * error class that carries it. Adapters never compute statuses or headers
 * themselves: they forward `status`, `challenge()` and `body()` (RFC 6750 §3).
 */

/**
 * Every denial reason. Stable strings: telemetry, dashboards and alerts key on them.
 *
 * @example
 * if (err instanceof EnforcerError && err.code === ReasonCode.TokenExpired) refresh();
 */
export const ReasonCode = {
  TokenMissing: "token_missing",
  TokenMalformed: "token_malformed",
  TokenTooLarge: "token_too_large",
  TokenInQuery: "token_in_query",
  AlgNotAllowed: "alg_not_allowed",
  UnknownKid: "unknown_kid",
  SignatureInvalid: "signature_invalid",
  IssuerMismatch: "issuer_mismatch",
  AudienceMismatch: "audience_mismatch",
  TokenExpired: "token_expired",
  TokenNotYetValid: "token_not_yet_valid",
  TokenIssuedInFuture: "token_issued_in_future",
  TokenLifetimeTooLong: "token_lifetime_too_long",
  ClaimMissing: "claim_missing",
  TokenTypeInvalid: "token_type_invalid",
  TokenVersionMismatch: "token_version_mismatch",
  IdTokenRejected: "id_token_rejected",
  InsufficientScope: "insufficient_scope",
  ToolNotAllowed: "tool_not_allowed",
  MethodNotAllowed: "method_not_allowed",
  OriginNotAllowed: "origin_not_allowed",
  SessionMismatch: "session_mismatch",
  HttpMethodNotAllowed: "http_method_not_allowed",
  RateLimited: "rate_limited",
  JwksUnavailable: "jwks_unavailable",
  RequestMalformed: "request_malformed",
  BodyTooLarge: "body_too_large",
  PolicyUnavailable: "policy_unavailable",
  // MCP 2026-07-28 (issue 22).
  HeaderMismatch: "header_mismatch",
  UnsupportedProtocolVersion: "unsupported_protocol_version",
  TaskNotOwned: "task_not_owned",
  /** The control plane archived the resource (issue 13 #7): every request is refused until it is restored. */
  ResourceArchived: "resource_archived",
} as const;

/** A value of {@link ReasonCode}, e.g. `"token_expired"`. */
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** All reason codes as a list (for schemas and dashboards). @example ALL_REASON_CODES.includes("unknown_kid") */
export const ALL_REASON_CODES = Object.values(ReasonCode) as readonly ReasonCode[];

/** RFC 6750 §3.1 error values (plus none, when the request carried no token). */
type BearerError = "invalid_token" | "invalid_request" | "insufficient_scope" | undefined;

const STATUS: Record<ReasonCode, { status: number; bearer: BearerError }> = {
  token_missing: { status: 401, bearer: undefined },
  token_malformed: { status: 401, bearer: "invalid_token" },
  token_too_large: { status: 401, bearer: "invalid_token" },
  token_in_query: { status: 400, bearer: "invalid_request" },
  alg_not_allowed: { status: 401, bearer: "invalid_token" },
  unknown_kid: { status: 401, bearer: "invalid_token" },
  signature_invalid: { status: 401, bearer: "invalid_token" },
  issuer_mismatch: { status: 401, bearer: "invalid_token" },
  audience_mismatch: { status: 401, bearer: "invalid_token" },
  token_expired: { status: 401, bearer: "invalid_token" },
  token_not_yet_valid: { status: 401, bearer: "invalid_token" },
  token_issued_in_future: { status: 401, bearer: "invalid_token" },
  token_lifetime_too_long: { status: 401, bearer: "invalid_token" },
  claim_missing: { status: 401, bearer: "invalid_token" },
  token_type_invalid: { status: 401, bearer: "invalid_token" },
  token_version_mismatch: { status: 401, bearer: "invalid_token" },
  id_token_rejected: { status: 401, bearer: "invalid_token" },
  insufficient_scope: { status: 403, bearer: "insufficient_scope" },
  // Not fixable by step-up: no `insufficient_scope`, so clients do not loop re-authorizing.
  tool_not_allowed: { status: 403, bearer: undefined },
  method_not_allowed: { status: 403, bearer: undefined },
  origin_not_allowed: { status: 403, bearer: undefined },
  // Another principal's Mcp-Session-Id: a new token cannot fix it, so no step-up error.
  session_mismatch: { status: 403, bearer: undefined },
  http_method_not_allowed: { status: 405, bearer: undefined },
  rate_limited: { status: 429, bearer: undefined },
  // Fail closed, but tell the client it is our problem, not its token.
  jwks_unavailable: { status: 503, bearer: undefined },
  request_malformed: { status: 400, bearer: "invalid_request" },
  body_too_large: { status: 413, bearer: undefined },
  policy_unavailable: { status: 503, bearer: undefined },
  resource_archived: { status: 403, bearer: undefined },
  // 2026-07-28 transport: a malformed request, not a token problem (no `error=`, so no re-authorization loop).
  header_mismatch: { status: 400, bearer: undefined },
  unsupported_protocol_version: { status: 400, bearer: undefined },
  // Another principal's task handle: step-up cannot fix it.
  task_not_owned: { status: 403, bearer: undefined },
};

/**
 * Escape a value for a quoted-string in an HTTP header (RFC 9110 §5.6.4); drops control characters
 * and replaces non-ASCII with `?` (Fetch `Headers` refuse code points above U+00FF, and attacker text
 * such as a look-alike issuer may end up in `error_description`).
 */
export function quoteHeaderValue(value: string): string {
  const ascii = value
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .replace(/[^\u0020-\u007e]/g, "?");
  return `"${ascii.replace(/["\\]/g, "\\$&")}"`;
}

/** Options for building a `WWW-Authenticate` challenge. */
export interface ChallengeOptions {
  /** Absolute URL of the RFC 9728 metadata document. */
  resourceMetadata?: string;
  /** Realm, optional. */
  realm?: string;
  /**
   * Scopes named on a 401 (the resource's baseline): MCP 2025-11-25 clients request them first instead of every
   * advertised scope. A 403 `insufficient_scope` names its own `requiredScopes` instead.
   */
  scope?: readonly string[];
}

/**
 * The one error type of the enforcer. Carries the reason code, the HTTP status
 * and, for bearer failures, the RFC 6750 challenge.
 *
 * @example
 * throw new EnforcerError(ReasonCode.AudienceMismatch, "aud does not match api://mcp");
 */
export class EnforcerError extends Error {
  override readonly name: string = "EnforcerError";
  readonly code: ReasonCode;
  readonly status: number;
  /** Scopes the operation needs (403 insufficient_scope), space-joined into the challenge. */
  readonly requiredScopes: readonly string[];
  /** Seconds until a retry can succeed (429 and 503). */
  readonly retryAfterSec: number | undefined;
  /** Extra members of the JSON-RPC error's `data` (e.g. `supported` of MCP's UnsupportedProtocolVersion). */
  readonly rpcData: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ReasonCode,
    message: string,
    opts: {
      requiredScopes?: readonly string[];
      retryAfterSec?: number;
      cause?: unknown;
      rpcData?: Record<string, unknown>;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = STATUS[code].status;
    this.requiredScopes = opts.requiredScopes ?? [];
    this.retryAfterSec = opts.retryAfterSec;
    this.rpcData = opts.rpcData;
  }

  /** The RFC 6750 `error` value, or undefined when none applies (e.g. no token was sent). */
  get bearerError(): BearerError {
    return STATUS[this.code].bearer;
  }

  /**
   * The `WWW-Authenticate` header value (RFC 6750 §3, MCP authorization spec):
   * always `resource_metadata` when known; no `error` when no token was sent.
   *
   * @example
   * res.setHeader("WWW-Authenticate", err.challenge({ resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource" }));
   */
  challenge(opts: ChallengeOptions = {}): string {
    const params: string[] = [];
    if (opts.realm) params.push(`realm=${quoteHeaderValue(opts.realm)}`);
    if (opts.resourceMetadata) params.push(`resource_metadata=${quoteHeaderValue(opts.resourceMetadata)}`);
    const bearer = this.bearerError;
    if (bearer) {
      params.push(`error=${quoteHeaderValue(bearer)}`);
      params.push(`error_description=${quoteHeaderValue(this.message)}`);
    }
    if (bearer === "insufficient_scope" && this.requiredScopes.length > 0) {
      params.push(`scope=${quoteHeaderValue(this.requiredScopes.join(" "))}`);
    } else if (this.status === 401 && opts.scope && opts.scope.length > 0) {
      params.push(`scope=${quoteHeaderValue(opts.scope.join(" "))}`);
    }
    return params.length ? `Bearer ${params.join(", ")}` : "Bearer";
  }
}

/** True when `err` is an {@link EnforcerError}. @example if (isEnforcerError(e)) log(e.code) */
export function isEnforcerError(err: unknown): err is EnforcerError {
  return err instanceof EnforcerError;
}
