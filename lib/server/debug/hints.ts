import "server-only";
import type { EnforcerPolicy } from "@/lib/enforcer";
import { diagnoseIssuer } from "../idp-profiles/issuer-diagnosis";

/**
 * Specific explanations for near misses (DOMAIN.md pitfalls). They only explain: whether a claim
 * passes is decided by the enforcer's own checks, never here.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function issuerHint(policy: EnforcerPolicy, claims: Record<string, unknown>): string[] {
  const iss = claims.iss;
  if (typeof iss !== "string") return ["The token has no iss claim."];
  if (policy.idp.issuers.includes(iss)) return [];
  const out = [diagnoseIssuer(policy.idp.issuers, iss)];
  if (policy.idp.kind === "entra") {
    const ver = claims.ver;
    if (ver === "1.0" && iss.startsWith("https://sts.windows.net/"))
      out.push(
        'This is an Entra v1 token (ver "1.0"): set "requestedAccessTokenVersion": 2 in the API app\'s manifest, or accept v1 issuers on the IdP profile (token version "both").',
      );
    if (ver === "2.0" && iss.includes("/v2.0"))
      out.push(
        'This is an Entra v2 token (ver "2.0"): the profile expects v1 issuers; choose token version v2 or "both".',
      );
  }
  return out;
}

export function audienceHint(policy: EnforcerPolicy, claims: Record<string, unknown>): string[] {
  const auds = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.map(String) : [];
  if (auds.length === 0) return ["The token has no aud claim."];
  const accepted = policy.idp.audiences;
  if (auds.some((a) => accepted.includes(a))) return [];
  const out: string[] = [];
  for (const a of auds) {
    const bare = a.replace(/^api:\/\//, "");
    if (a.startsWith("api://") && accepted.includes(bare))
      out.push(
        `aud "${a}" has the api:// prefix; the resource accepts "${bare}" without it. Add "${a}" to the accepted audiences.`,
      );
    else if (!a.startsWith("api://") && accepted.includes(`api://${a}`))
      out.push(`aud "${a}" lacks the api:// prefix the resource expects ("api://${a}"): match it exactly.`);
    if (policy.idp.kind === "entra" && GUID.test(a) && accepted.some((x) => x.startsWith("api://")))
      out.push(
        `aud "${a}" is an application (client) id: v2 Entra tokens carry the API's client id, v1 tokens the App ID URI. Add "${a}" to the accepted audiences if it is this API's client id.`,
      );
    if (policy.idp.kind === "entra" && a.startsWith("api://") && accepted.every((x) => GUID.test(x)))
      out.push(
        `aud "${a}" is an App ID URI (v1 token or a custom URI); the resource only accepts client ids. Add it, or issue v2 tokens.`,
      );
    if (a.endsWith("/userinfo"))
      out.push(
        "aud is only the userinfo endpoint: the client did not ask for this API (Auth0: send audience=<API identifier>).",
      );
  }
  const client = [claims.azp, claims.client_id, claims.cid, claims.appid].find((c) => typeof c === "string");
  if (typeof client === "string" && auds.includes(client))
    out.push(
      "aud equals the client id: this looks like an ID token, or a token the client requested for itself, not for this API.",
    );
  return out;
}

export function scopeHints(policy: EnforcerPolicy, claims: Record<string, unknown>, scopes: string[]): string[] {
  const out: string[] = [];
  const wanted = policy.scopesSupported;
  for (const s of scopes) {
    const tail = s.includes("/") ? s.slice(s.lastIndexOf("/") + 1) : null;
    if (tail && wanted.includes(tail) && !wanted.includes(s))
      out.push(
        `Scope "${s}" is a full name; the enforcer compares bare names ("${tail}"). Entra puts bare names in scp: the full api://… form is only for requesting.`,
      );
    const folded = wanted.find((w) => w.toLowerCase() === s.toLowerCase() && w !== s);
    if (folded) out.push(`Scope "${s}" differs from "${folded}" only in case: scopes are case-sensitive.`);
  }
  if (policy.idp.kind === "auth0" && claims.permissions === undefined)
    out.push('No permissions claim: turn on "Enable RBAC" and "Add Permissions in the Access Token" for the API.');
  if (policy.idp.kind === "entra" && claims.scp === undefined && Array.isArray(claims.roles))
    out.push("App-only token (no scp): its roles count as scopes; assign app roles named like the scopes.");
  return out;
}
