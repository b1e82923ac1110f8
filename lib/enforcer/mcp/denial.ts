/**
 * Denial responses: RFC 6750 §3 challenge, a JSON-RPC 2.0 error body carrying the same reason code,
 * `Retry-After` for 429/503, and `Cache-Control: no-store` (RFC 6750 §5.3: responses about tokens
 * must not be cached by intermediaries).
 */
import type { EnforcerError } from "../errors.js";

/**
 * JSON-RPC error codes by HTTP status. -32600 is JSON-RPC's own "Invalid Request"; the others sit in
 * the implementation-defined server range (-32000 to -32099) and mirror the status.
 */
const JSONRPC_CODE: Record<number, number> = {
  400: -32600,
  401: -32001,
  403: -32003,
  413: -32600,
  429: -32029,
  503: -32053,
};

/** MCP 2026-07-28's own error codes (schema: HeaderMismatchError, UnsupportedProtocolVersionError), by reason. */
const MCP_CODE: Partial<Record<string, number>> = {
  header_mismatch: -32020,
  unsupported_protocol_version: -32022,
};

/** Options of {@link denialResponse}. @example denialResponse(err, { resourceMetadata: url, id: 7 }) */
export interface DenialOptions {
  /** Absolute URL of the RFC 9728 document, advertised in `WWW-Authenticate`. */
  resourceMetadata: string;
  /** The JSON-RPC id of the refused request, when it was read (null otherwise). */
  id?: string | number | null;
  /** Extra headers (CORS). */
  headers?: Record<string, string>;
  /** The resource's baseline scopes, named on every 401 (`scope=`). */
  baselineScopes?: readonly string[];
}

/**
 * Builds the HTTP response for a denial.
 *
 * @example
 * return denialResponse(new EnforcerError(ReasonCode.TokenMissing, "no token"), { resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp" });
 * // 401, WWW-Authenticate: Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
 */
export function denialResponse(error: EnforcerError, opts: DenialOptions): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...opts.headers,
  };
  // RFC 6750 §3: the challenge accompanies 401 and the bearer 400/403 answers; a 429 or 503 carries
  // none so that clients do not restart the authorization flow for a server-side condition.
  if (error.status === 400 || error.status === 401 || error.status === 403) {
    headers["www-authenticate"] = error.challenge({
      resourceMetadata: opts.resourceMetadata,
      ...(opts.baselineScopes ? { scope: opts.baselineScopes } : {}),
    });
  }
  if (error.retryAfterSec !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(error.retryAfterSec)));
  const data: { reason: string; scope?: string } = { reason: error.code };
  if (error.requiredScopes.length > 0) data.scope = error.requiredScopes.join(" ");
  const code = MCP_CODE[error.code] ?? JSONRPC_CODE[error.status] ?? -32000;
  const body = {
    jsonrpc: "2.0",
    id: opts.id ?? null,
    error: { code, message: error.message, data: error.rpcData ? { ...error.rpcData, ...data } : data },
  };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
