import { ALL_REASON_CODES, type ReasonCode } from "@/lib/enforcer/errors";

/**
 * Every denial reason the enforcer reports, with a one-line explanation and the usual fix. The fixes
 * follow the pitfalls table of DOMAIN.md (stale JWKS, audience mismatch, clock skew, scope format,
 * ID token sent as access token, token too large…). Shared by the explorer, its drawer and /events/reasons.
 */
export interface ReasonHelp {
  title: string;
  explanation: string;
  fix: string;
}

export const REASON_HELP: Record<ReasonCode, ReasonHelp> = {
  token_missing: {
    title: "No token",
    explanation: "The request carried no Authorization: Bearer header.",
    fix: "The client must run the OAuth flow first; a 401 with resource_metadata tells it where to start.",
  },
  token_malformed: {
    title: "Malformed token",
    explanation: "The bearer value is not a compact JWS (three base64url parts), or its header is unreadable.",
    fix: "Send the access token itself, not an opaque reference token or a quoted/trimmed copy.",
  },
  token_too_large: {
    title: "Token too large",
    explanation: "The token exceeds the size limit (proxies answer HTTP 431 for the same cause).",
    fix: "Issue fewer claims (groups overage); fetch profile data from userinfo instead.",
  },
  token_in_query: {
    title: "Token in the URL",
    explanation: "A token was sent in the query string, where logs and referrers leak it.",
    fix: "Send it only in the Authorization header (RFC 6750 §2.1).",
  },
  alg_not_allowed: {
    title: "Algorithm not allowed",
    explanation: "The token is signed with an algorithm outside the allowlist (never none or HMAC).",
    fix: "Match the IdP profile's algorithms to the IdP's signing keys (RS256 by default).",
  },
  unknown_kid: {
    title: "Unknown signing key",
    explanation: "No key in the IdP's JWKS has the token's kid, even after a forced refresh.",
    fix: "Stale JWKS after key rotation, or the wrong IdP: check the JWKS URI; refresh is forced on unknown kid (5-min TTL).",
  },
  signature_invalid: {
    title: "Bad signature",
    explanation: "The signature does not verify with the IdP's key: the token was altered or signed elsewhere.",
    fix: "Make sure the token comes from the configured IdP; a tampered token needs no fix but an investigation.",
  },
  issuer_mismatch: {
    title: "Issuer mismatch",
    explanation: "The iss claim is not exactly one of the configured issuers.",
    fix: "Entra v1 tokens use https://sts.windows.net/{tenant}/, v2 the login.microsoftonline.com form; Auth0 needs the trailing slash.",
  },
  audience_mismatch: {
    title: "Audience mismatch",
    explanation: "The aud claim does not match the resource's audiences exactly.",
    fix: "aud must match exactly, api:// prefix included; an ID token (aud = the client) was probably sent instead of an access token.",
  },
  token_expired: {
    title: "Token expired",
    explanation: "exp is in the past, beyond the 30 s leeway.",
    fix: "The client must refresh before expiry; if tokens expire on arrival, check clock skew (NTP).",
  },
  token_not_yet_valid: {
    title: "Not yet valid",
    explanation: "nbf is in the future, beyond the leeway.",
    fix: "Clock skew between the IdP and this server: sync clocks with NTP.",
  },
  token_issued_in_future: {
    title: "Issued in the future",
    explanation: "iat is in the future, beyond the leeway.",
    fix: "Clock skew between the IdP and this server: sync clocks with NTP.",
  },
  token_lifetime_too_long: {
    title: "Lifetime too long",
    explanation: "exp − iat exceeds the policy's maximum token lifetime.",
    fix: "Shorten the access token lifetime at the IdP (15 min recommended) or raise the policy limit.",
  },
  claim_missing: {
    title: "Required claim missing",
    explanation: "A required claim (sub, exp…) is absent.",
    fix: "Check the IdP's token configuration; app-only tokens may need a different profile.",
  },
  token_type_invalid: {
    title: "Wrong token type",
    explanation: "The typ header is not at+jwt while the policy requires RFC 9068 access tokens.",
    fix: "Enable the RFC 9068 profile at the IdP, or drop the requirement from the policy.",
  },
  token_version_mismatch: {
    title: "Token version not accepted",
    explanation:
      "The token's ver claim is not one the IdP profile accepts (Entra issues v1 or v2 tokens by the API's accessTokenAcceptedVersion, not by the endpoint).",
    fix: "Set accessTokenAcceptedVersion in the API app's manifest, or accept both versions in the IdP profile (token version: both).",
  },
  id_token_rejected: {
    title: "ID token sent",
    explanation: "An OpenID ID token was presented as an access token.",
    fix: "Request an access token for the API's scope; ID tokens are for the client only.",
  },
  insufficient_scope: {
    title: "Insufficient scope",
    explanation: "The token is valid but lacks a scope the method or tool needs.",
    fix: "Grant the scope (Entra: api://{id}/scope; Okta/Auth0: bare names); the client can step up on the 403.",
  },
  tool_not_allowed: {
    title: "Tool not allowed",
    explanation: "The tool is disabled, not on the allowlist, or outside the token's mcp_allowed_tools.",
    fix: "Enable the tool on the resource's Tools tab and publish, if it should be callable.",
  },
  method_not_allowed: {
    title: "Method not allowed",
    explanation: "The MCP method is disabled by the policy.",
    fix: "Enable the method in the resource's policy and publish, if it should be used.",
  },
  origin_not_allowed: {
    title: "Origin not allowed",
    explanation: "A browser Origin header not on the resource's allowed origins.",
    fix: "Add the origin to the resource's allowed origins, or call from a non-browser client.",
  },
  session_mismatch: {
    title: "Session of another principal",
    explanation:
      "The Mcp-Session-Id was created by another user or client (issuer, subject and client id differ): one caller tried to use or end another's MCP session.",
    fix: "A client must open its own session (initialize) with its own token; repeated hits from one client suggest a stolen session id.",
  },
  http_method_not_allowed: {
    title: "HTTP method not allowed",
    explanation:
      "The MCP endpoint accepts GET, POST and DELETE only (Streamable HTTP); the response names them in Allow.",
    fix: "Send JSON-RPC messages with POST, open the event stream with GET and end a session with DELETE.",
  },
  rate_limited: {
    title: "Rate limited",
    explanation: "The client exceeded its per-client limit (or its address is locked after failed sign-ins).",
    fix: "Back off per Retry-After; raise the limit on the resource if the traffic is legitimate.",
  },
  jwks_unavailable: {
    title: "JWKS unavailable",
    explanation: "The IdP's JWKS could not be fetched and no cached keys were within the grace period.",
    fix: "Check network access from the enforcer to the IdP's JWKS URI and the IdP's status.",
  },
  request_malformed: {
    title: "Malformed request",
    explanation: "The body is not a valid JSON-RPC message.",
    fix: "Fix the client; MCP uses JSON-RPC 2.0 over POST.",
  },
  body_too_large: {
    title: "Body too large",
    explanation: "The request body exceeds the enforcer's limit.",
    fix: "Send smaller requests or raise maxBodyBytes in the enforcer.",
  },
  policy_unavailable: {
    title: "No policy loaded",
    explanation: "The enforcer has no valid config bundle yet, so it fails closed.",
    fix: "Publish the resource's config and check the enforcer can reach the control plane.",
  },
  header_mismatch: {
    title: "Header/body mismatch",
    explanation:
      "An MCP 2026-07-28 request whose MCP-Protocol-Version, Mcp-Method, Mcp-Name or Mcp-Param-* header is missing or disagrees with its body (400, JSON-RPC -32020).",
    fix: "A client bug or a tampering proxy: the headers must mirror the body (non-ASCII values as =?base64?…?=). After a tool changed its x-mcp-header parameters, list the tools again.",
  },
  unsupported_protocol_version: {
    title: "Protocol revision refused",
    explanation:
      "The request speaks an MCP revision this resource does not accept: older than the policy's oldest revision, unknown, or no MCP-Protocol-Version at all (which means 2025-03-26).",
    fix: "Upgrade the client (SDK 1.x from 2025-06-18 on, or SDK 2.x), or lower the resource's oldest accepted revision.",
  },
  resource_archived: {
    title: "Resource archived",
    explanation: "An admin archived this MCP resource: its enforcers refuse every request until it is restored.",
    fix: "Restore the resource on its page (Danger zone) if it should serve again; otherwise retire the MCP server.",
  },
  task_not_owned: {
    title: "Someone else's task",
    explanation:
      "tasks/get, tasks/update or tasks/cancel named a task handle that another principal (issuer, subject, client) created, or one this enforcer never saw created.",
    fix: "Only the caller that started a task may use it; after an enforcer restart, start the task again.",
  },
};

const KNOWN = new Set<string>(ALL_REASON_CODES);

/** Help for a reason string from telemetry (older or newer enforcers may send codes we do not know). */
export function reasonHelp(reason: string): ReasonHelp | undefined {
  return KNOWN.has(reason) ? REASON_HELP[reason as ReasonCode] : undefined;
}

/**
 * The one reason → colour map (issue 13 #12): a reason has the same colour in every chart, legend and
 * table, whatever its rank in the current range. The ten most common reasons get the ten series colours;
 * the rarer ones share them by a stable hash of the code.
 */
const COLOURED_FIRST: readonly ReasonCode[] = [
  "token_expired",
  "audience_mismatch",
  "insufficient_scope",
  "tool_not_allowed",
  "rate_limited",
  "unknown_kid",
  "issuer_mismatch",
  "signature_invalid",
  "token_missing",
  "jwks_unavailable",
];

export function reasonColorIndex(reason: string): number {
  const i = COLOURED_FIRST.indexOf(reason as ReasonCode);
  if (i >= 0) return i;
  let h = 0;
  for (const ch of reason) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % COLOURED_FIRST.length;
}

/** The CSS colour of a reason (a theme token, light and dark). */
export function reasonColor(reason: string): string {
  return `var(--color-series-${reasonColorIndex(reason) + 1})`;
}
