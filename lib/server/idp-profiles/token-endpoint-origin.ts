import { derivedTokenEndpoint } from "./derive";

/**
 * Security (issue 13 review): a downstream's token endpoint receives the user's token and the enforcer's client
 * credentials, so an admin may override it only within the IdP profile's own origins (issuers, discovery, JWKS and
 * the token endpoint derived from the profile). Pure: the Downstream APIs form shows the same rule.
 */
export interface ProfileOriginSource {
  kind: string;
  /** JSON, as stored. */
  settings: string;
  /** JSON array, as stored. */
  issuers: string;
  jwksUri: string;
  discoveryUrl?: string;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The origins an IdP profile answers on. @example idpProfileOrigins(row) // ["https://login.microsoftonline.com"] */
export function idpProfileOrigins(p: ProfileOriginSource): string[] {
  const issuers = json(p.issuers);
  const settings = json(p.settings);
  const derived = derivedTokenEndpoint(
    p.kind,
    settings !== null && typeof settings === "object" ? (settings as Record<string, unknown>) : {},
  );
  const urls = [...(Array.isArray(issuers) ? issuers.map(String) : []), p.jwksUri, p.discoveryUrl, derived];
  return [...new Set(urls.map(originOf).filter((o): o is string => o !== undefined))];
}

/** Why `tokenEndpoint` is refused for this profile, or undefined when it is on one of the profile's origins. */
export function tokenEndpointOriginProblem(tokenEndpoint: string, p: ProfileOriginSource): string | undefined {
  const allowed = idpProfileOrigins(p);
  const origin = originOf(tokenEndpoint);
  if (origin && allowed.includes(origin)) return undefined;
  return `The token endpoint must be on the IdP's origin (${allowed.join(", ") || "none known"}): the enforcer sends the user's token and its client secret there.`;
}
