/**
 * Checks on the HTTP request itself, before any token work: where the token is, how many there are,
 * and whether a browser origin may call at all.
 */
import { EnforcerError, ReasonCode } from "../errors.js";

/**
 * Refuses `access_token` in the query string (RFC 6750 §2.3 is a "MUST NOT" for OAuth 2.1 and the
 * MCP authorization spec: query strings end up in logs, history and Referer headers).
 *
 * @example
 * checkNoTokenInQuery("https://mcp.example.com/mcp?access_token=x") // throws token_in_query
 */
export function checkNoTokenInQuery(url: string): void {
  // Cheap tests first; only a query that mentions it, or may spell it percent-encoded (`%61ccess_token`,
  // which URLSearchParams decodes, as the MCP server's own query parser would), is parsed.
  const query = url.indexOf("?");
  if (query === -1 || (!url.includes("access_token", query) && !url.includes("%", query))) return;
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return;
  }
  if (params.has("access_token")) {
    throw new EnforcerError(ReasonCode.TokenInQuery, "access tokens are accepted in the Authorization header only");
  }
}

/**
 * Normalizes configured origins (`https://app.example.com/` → `https://app.example.com`). With the resource
 * URI, its own origin is added: a page served by the MCP server itself is same-origin and needs no listing.
 *
 * @example
 * normalizeOrigins(["https://app.example.com/"], "https://mcp.example.com/mcp") // Set { "https://app.example.com", "https://mcp.example.com" }
 */
export function normalizeOrigins(origins: readonly string[], resourceUri?: string): ReadonlySet<string> {
  const out = new Set<string>();
  if (resourceUri !== undefined) {
    try {
      out.add(new URL(resourceUri).origin);
    } catch {
      // A policy's URI is validated by its schema; an unparsable one adds nothing.
    }
  }
  for (const o of origins) {
    try {
      out.add(new URL(o).origin);
    } catch {
      out.add(o);
    }
  }
  return out;
}

/**
 * MCP Streamable HTTP transport: servers must validate `Origin` to prevent DNS rebinding. A request
 * without `Origin` (non-browser client) passes; one with an origin not configured is refused
 * (including the opaque origin `null`).
 *
 * @example
 * checkOrigin(request.headers.get("origin"), allowed)
 */
export function checkOrigin(origin: string | null, allowed: ReadonlySet<string>): void {
  if (origin === null) return;
  if (!allowed.has(origin)) throw new EnforcerError(ReasonCode.OriginNotAllowed, "origin is not allowed");
}

/**
 * Extracts the bearer token (RFC 6750 §2.1). No header, or another scheme (Basic, DPoP, …): no
 * bearer token (401 without `error`, RFC 6750 §3.1). Several values (Fetch joins repeated headers
 * with ", ", and a token never contains a comma): `request_malformed`. An empty or spaced token:
 * `token_malformed`.
 *
 * @example
 * extractBearerToken("Bearer eyJ…") // "eyJ…"
 */
export function extractBearerToken(header: string | null): string {
  const token = bearerTokenCandidate(header);
  checkBearerTokenShape(token);
  return token;
}

/**
 * {@link extractBearerToken} without its last step, the whitespace scan of the token: the enforcer skips
 * that scan for a token found in the verified-token cache (which only ever holds tokens that passed the
 * strict JWS parser, so none with whitespace) and runs {@link checkBearerTokenShape} otherwise.
 *
 * @example
 * const token = bearerTokenCandidate(header); if (!cached(token)) checkBearerTokenShape(token);
 */
export function bearerTokenCandidate(header: string | null): string {
  if (header === null || header.trim() === "") throw new EnforcerError(ReasonCode.TokenMissing, "no bearer token");
  if (header.includes(",")) throw new EnforcerError(ReasonCode.RequestMalformed, "more than one Authorization value");
  const value = header.trim();
  const space = value.indexOf(" ");
  const scheme = space < 0 ? value : value.slice(0, space);
  // RFC 9110 §11.1: the scheme is case-insensitive (the common spelling is compared without allocating).
  if (scheme !== "Bearer" && scheme.toLowerCase() !== "bearer") {
    throw new EnforcerError(ReasonCode.TokenMissing, "no bearer token");
  }
  const token = space < 0 ? "" : value.slice(space + 1).trim();
  if (token.length === 0) throw new EnforcerError(ReasonCode.TokenMalformed, "malformed bearer token");
  return token;
}

/**
 * Refuses a token with whitespace inside (`Bearer abc def`): `token_malformed`.
 *
 * @example
 * checkBearerTokenShape("abc def") // throws token_malformed
 */
export function checkBearerTokenShape(token: string): void {
  if (hasWhitespace(token)) throw new EnforcerError(ReasonCode.TokenMalformed, "malformed bearer token");
}

/**
 * `/\s/.test(s)`, faster for the usual ASCII token (≈0.13 µs instead of ≈0.45 µs for 700 characters, on
 * every request): in an all-ASCII string (UTF-8 length = length) the only `\s` members are the six ASCII
 * ones, each found by a native single-character search; anything else takes the full regular expression.
 */
function hasWhitespace(s: string): boolean {
  if (Buffer.byteLength(s, "utf8") !== s.length) return /\s/.test(s);
  return (
    s.includes(" ") || s.includes("\t") || s.includes("\n") || s.includes("\r") || s.includes("\v") || s.includes("\f")
  );
}

/**
 * CORS response headers for an allowed browser origin (credentials are bearer headers, not cookies,
 * so no Allow-Credentials). Exposes the headers an MCP client must read.
 *
 * @example
 * corsHeaders("https://app.example.com")
 */
export function corsHeaders(origin: string | null): Record<string, string> {
  if (origin === null) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "www-authenticate, mcp-session-id, mcp-protocol-version, retry-after",
    vary: "Origin",
  };
}

/**
 * The answer to a CORS preflight from an allowed origin (a preflight carries no Authorization header,
 * so it is answered here rather than denied as `token_missing`).
 *
 * @example
 * if (request.method === "OPTIONS") return preflightResponse(origin);
 */
export function preflightResponse(origin: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(origin),
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers":
        "authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id",
      "access-control-max-age": "600",
    },
  });
}
