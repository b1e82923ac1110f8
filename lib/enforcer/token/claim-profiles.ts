/**
 * IdP claim profiles: where each IdP puts scopes, roles and the client id (DOMAIN.md "Scopes" and
 * the IdP table). Normalizing here keeps authorization IdP-agnostic.
 */
import type { ClaimSettings, IdpKind } from "../policy.js";

/** Scopes, roles and client id read from verified claims. @example const { scopes, clientId } = normalizeClaims("entra", claims) */
export interface NormalizedClaims {
  scopes: string[];
  roles: string[];
  clientId: string | undefined;
}

/** Where the client id lives, most specific first, per profile. */
const CLIENT_ID_CLAIMS: Record<IdpKind, readonly string[]> = {
  // v2 tokens: azp; v1 tokens: appid.
  entra: ["azp", "appid"],
  // Okta: cid (client_id appears in RFC 9068-shaped tokens).
  okta: ["cid", "client_id"],
  // Auth0: azp; RFC 9068 profile: client_id.
  auth0: ["client_id", "azp"],
  oidc: ["client_id", "azp", "cid", "appid"],
};

/**
 * Normalizes claims for a profile.
 * - Scopes: `scp` (space-separated string for Entra, array for Okta) and `scope` (string, or array
 *   for some IdPs) are read for every profile; Auth0 RBAC `permissions` are merged for `auth0`.
 * - Entra app-only tokens carry application permissions in `roles` and have no `scp`; for those
 *   (and only those) the roles count as scopes, as Microsoft's guidance for daemon apps says.
 * - Non-string entries are dropped; duplicates removed; order kept.
 *
 * - With explicit `settings` (the IdP profile's claim settings, published in the bundle), scopes are read from
 *   exactly `settings.scopeClaims`, roles from `settings.rolesClaim` and the client id from
 *   `settings.clientIdClaims`; Entra's app-only rule still applies.
 *
 * @example
 * normalizeClaims("okta", { scp: ["mcp:tools"], cid: "0oa1" }) // { scopes: ["mcp:tools"], roles: [], clientId: "0oa1" }
 * normalizeClaims("auth0", { permissions: ["mcp:tools"] }, { scopeClaims: ["permissions"], clientIdClaims: ["azp"], rolesClaim: "", tokenVersions: [] })
 */
export function normalizeClaims(
  profile: IdpKind,
  claims: Record<string, unknown>,
  settings?: ClaimSettings,
): NormalizedClaims {
  if (settings) return normalizeWith(profile, claims, settings);
  const scopes = new Words();
  addWords(scopes, claims.scp);
  addWords(scopes, claims.scope);
  if (profile === "auth0") addList(scopes, claims.permissions);
  const roleWords = new Words();
  addList(roleWords, claims.roles);
  const roles = roleWords.list;
  if (profile === "entra" && claims.scp === undefined) for (const r of roles) scopes.add(r);
  let clientId: string | undefined;
  for (const name of CLIENT_ID_CLAIMS[profile]) {
    const v = claims[name];
    if (typeof v === "string" && v.length > 0) {
      clientId = v;
      break;
    }
  }
  return { scopes: scopes.list, roles, clientId };
}

/**
 * Reads a space-separated string or an array of strings (used for scopes and `mcp_allowed_tools`).
 * Returns undefined when the claim is absent, and an empty list for a claim of the wrong type
 * (fail closed: a malformed narrowing claim narrows to nothing).
 *
 * @example
 * readWordList("read_file  write_file") // ["read_file", "write_file"]
 */
export function readWordList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const out = new Words();
  addWords(out, value);
  return out.list;
}

/**
 * An ordered list of distinct words. A token carries a handful of scopes and roles, for which a scan of a
 * short array costs less than building a Set and spreading it (this runs on every cache miss); past
 * {@link Words.SCAN_MAX} words a Set joins the array, so a token with thousands of scopes stays linear.
 */
class Words {
  static readonly SCAN_MAX = 32;
  readonly list: string[] = [];
  #seen: Set<string> | undefined;

  add(word: string): void {
    if (this.#seen !== undefined) {
      if (this.#seen.has(word)) return;
      this.#seen.add(word);
    } else {
      if (this.list.includes(word)) return;
      if (this.list.length >= Words.SCAN_MAX) this.#seen = new Set([...this.list, word]);
    }
    this.list.push(word);
  }
}

function addWords(into: Words, value: unknown): void {
  if (typeof value === "string") {
    // One word (the usual single scope) needs no split.
    if (!value.includes(" ")) {
      if (value.length > 0) into.add(value);
      return;
    }
    for (const w of value.split(" ")) if (w.length > 0) into.add(w);
  } else {
    addList(into, value);
  }
}

function addList(into: Words, value: unknown): void {
  if (!Array.isArray(value)) return;
  for (const v of value) if (typeof v === "string" && v.length > 0) into.add(v);
}

function normalizeWith(profile: IdpKind, claims: Record<string, unknown>, settings: ClaimSettings): NormalizedClaims {
  const scopes = new Words();
  for (const name of settings.scopeClaims) addWords(scopes, claims[name]);
  const roleWords = new Words();
  if (settings.rolesClaim) addWords(roleWords, claims[settings.rolesClaim]);
  const roles = roleWords.list;
  // Entra app-only tokens: application permissions arrive as roles, with no scope claim at all.
  if (profile === "entra" && settings.scopeClaims.every((name) => claims[name] === undefined)) {
    for (const r of roles) scopes.add(r);
  }
  let clientId: string | undefined;
  for (const name of settings.clientIdClaims) {
    const v = claims[name];
    if (typeof v === "string" && v.length > 0) {
      clientId = v;
      break;
    }
  }
  return { scopes: scopes.list, roles, clientId };
}
