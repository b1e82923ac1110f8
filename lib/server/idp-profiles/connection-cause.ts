import "server-only";
import type { FetchJsonResult } from "./fetch-json";

/**
 * The one sentence a failed Test connection leads with (issue 13 #11): the real cause first, in the
 * order an admin fixes things. A network failure (DNS, refused connection, TLS, timeout) comes before
 * anything about issuers, because no issuer can be read from an IdP that cannot be reached.
 */
type Failure = Extract<FetchJsonResult, { ok: false }>;

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** A fetch failure in words: what went wrong, where, and what to check. */
export function fetchFailureCause(step: string, f: Failure): string {
  const host = hostOf(f.url);
  if (f.kind === "unreachable") {
    if (/host not found \(DNS/.test(f.error))
      return `DNS failure: ${host} does not resolve, so the ${step} cannot be fetched. Check the domain or tenant (a typo, or a name only your private DNS knows).`;
    if (/connection refused/.test(f.error))
      return `Connection refused: nothing accepts connections at ${host}, so the ${step} cannot be fetched. Check the host and port.`;
    const tls = /TLS error: ([^(]+)/.exec(f.error)?.[1]?.trim();
    if (tls)
      return `TLS error: ${tls} at ${host}, so the ${step} cannot be fetched securely. Check the certificate (or the URL's scheme).`;
    return `Network error: ${f.error}`;
  }
  if (f.kind === "timeout") return `Timeout: ${host} did not answer. ${f.error}`;
  if (f.kind === "http_error")
    return `The ${step} URL answered ${/HTTP \d+/.exec(f.error)?.[0] ?? "an error"}: check the URL (domain, tenant or authorization server).`;
  return `The ${step} could not be read: ${f.error}`;
}

export function leadingCause(parts: {
  discovery: FetchJsonResult;
  discoveryError: string | null;
  issuer: { actual: string | null; match: boolean; diagnosis: string | null };
  jwks: { ok: boolean; error: string | null; fetch: FetchJsonResult | null };
}): string | null {
  const { discovery, discoveryError, issuer, jwks } = parts;
  if (!discovery.ok) return fetchFailureCause("discovery document", discovery);
  if (discoveryError) return `The discovery document could not be used: ${discoveryError}`;
  if (issuer.actual === null) return "The discovery document has no issuer.";
  if (!issuer.match) return `Issuer mismatch: ${issuer.diagnosis ?? "the IdP announces another issuer."}`;
  if (jwks.fetch && !jwks.fetch.ok) return fetchFailureCause("signing key set (JWKS)", jwks.fetch);
  if (!jwks.ok) return `Signing keys: ${jwks.error ?? "unusable."}`;
  return null;
}
