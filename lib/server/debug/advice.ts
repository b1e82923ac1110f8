import type { IdpKind, ReasonCode } from "@/lib/enforcer";

/**
 * What to change, and where, for each way a token can fail: a step of the resource's IdP kit
 * (lib/server/exports), a Portcullis setting (with its page), or the client. One table, so the
 * debugger, the live verification and the docs never disagree.
 */
export interface Fix {
  text: string;
  /** Kit step id (`entra.token-version`), shown as a link to the IdP setup tab. */
  kitStep?: string;
  /** A Portcullis setting and the page that holds it. */
  setting?: { label: string; href: string };
}

export interface AdviceContext {
  kind: IdpKind;
  resourceId: string;
  idpProfileId: string;
}

const KIT: Record<string, Record<IdpKind, string>> = {
  issuer: { entra: "entra.token-version", okta: "okta.auth-server", auth0: "auth0.api", oidc: "oidc.resource" },
  audience: { entra: "entra.app-id-uri", okta: "okta.auth-server", auth0: "auth0.api", oidc: "oidc.resource" },
  scopes: { entra: "entra.expose-scopes", okta: "okta.policy", auth0: "auth0.rbac", oidc: "oidc.scopes" },
  lifetime: { entra: "entra.token-lifetime", okta: "okta.policy", auth0: "auth0.api", oidc: "oidc.token-lifetime" },
  malformed: { entra: "mcp.scopes", okta: "okta.auth-server", auth0: "auth0.client-app", oidc: "oidc.resource" },
};

/** The fix for a reason code, pointing at this resource's kit step and settings. */
export function adviceFor(code: ReasonCode, c: AdviceContext): Fix {
  const idp = { label: "IdP profile", href: `/idp-profiles/${c.idpProfileId}` };
  const resource = { label: "Resource settings", href: `/resources/${c.resourceId}` };
  const policy = { label: "Policy tab (method → scopes)", href: `/resources/${c.resourceId}/policy` };
  const tools = { label: "Tools tab (allowlist)", href: `/resources/${c.resourceId}/tools` };
  const kit = (k: keyof typeof KIT) => KIT[k]?.[c.kind];
  switch (code) {
    case "token_missing":
      return { text: "Paste the access token (the value after `Bearer `)." };
    case "token_malformed":
      return {
        text:
          c.kind === "auth0"
            ? "Not a JWS: Auth0 issues an opaque token when the client omits audience=<API identifier>; send the audience parameter."
            : c.kind === "okta"
              ? "Not a JWS: send the access token itself (not a reference token) from a custom authorization server."
              : "Not a compact JWS (three base64url parts): send the access token itself, not a quoted or truncated copy.",
        kitStep: kit("malformed"),
      };
    case "token_too_large":
      return {
        text: "The token is larger than 8 KB (proxies answer HTTP 431): emit fewer claims (group overage), fetch profile data from userinfo.",
      };
    case "alg_not_allowed":
      return {
        text: "Signed with an algorithm outside the allowlist: align the resource's and the IdP profile's algorithms with the IdP's signing keys (RS256 by default; never none or HMAC).",
        setting: idp,
      };
    case "unknown_kid":
      return {
        text: "No key in the live JWKS has this kid, even after a refresh: the token comes from another IdP or tenant, or the JWKS URI on the profile is wrong (keys rotate; the enforcer refreshes on an unknown kid).",
        setting: idp,
      };
    case "jwks_unavailable":
      return { text: "The JWKS could not be fetched: run Test connection on the IdP profile.", setting: idp };
    case "signature_invalid":
      return {
        text: "The signature does not verify with the IdP's key: the token was altered or signed by someone else. Investigate rather than fix.",
      };
    case "issuer_mismatch":
      return {
        text: "iss must equal one of the profile's issuers byte for byte (Entra v1 tokens: https://sts.windows.net/{tenant}/; Auth0: trailing slash).",
        kitStep: kit("issuer"),
        setting: idp,
      };
    case "id_token_rejected":
      return {
        text: "This is an ID token (nonce / at_hash): the client must send the access token it requested for this API's scopes.",
        kitStep: "mcp.scopes",
      };
    case "audience_mismatch":
      return {
        text: "aud must match an accepted audience exactly, api:// prefix included. If aud is a client id, an ID token or a token for another API was sent.",
        kitStep: kit("audience"),
        setting: resource,
      };
    case "token_expired":
      return {
        text: "The token has expired: the client must refresh it. If tokens arrive already expired, fix the clock (NTP) or raise the clock tolerance (30 s by default).",
        setting: resource,
      };
    case "token_not_yet_valid":
    case "token_issued_in_future":
      return {
        text: "Clock skew: the IdP's clock is ahead of the enforcer's by more than the tolerance. Sync clocks (NTP) or raise the clock tolerance.",
        setting: resource,
      };
    case "token_lifetime_too_long":
      return {
        text: "exp − iat exceeds the resource's maximum token lifetime: shorten the IdP's access token lifetime (15 min recommended) or raise the limit.",
        kitStep: kit("lifetime"),
        setting: resource,
      };
    case "claim_missing":
      return {
        text: "A required claim (exp, sub, or iat when a lifetime limit is set) is missing: the IdP must include it.",
      };
    case "token_type_invalid":
      return {
        text: "The header typ says this is not an access token, or at+jwt is required and missing (Auth0: choose the RFC 9068 profile, or turn off the requirement on the profile).",
        setting: idp,
      };
    case "insufficient_scope":
      return {
        text: "The token lacks the scope this method or tool needs: grant it in the IdP and have the client request it (in the IdP's format), or change the method → scope rule.",
        kitStep: kit("scopes"),
        setting: policy,
      };
    case "tool_not_allowed":
      return {
        text: "The tool is not in the allowlist (or is disabled, or outside mcp_allowed_tools).",
        setting: tools,
      };
    case "method_not_allowed":
      return { text: "The method is disabled or unknown to the enforcer.", setting: policy };
    default:
      return { text: "See the failure reasons page.", setting: { label: "Failure reasons", href: "/events/reasons" } };
  }
}
