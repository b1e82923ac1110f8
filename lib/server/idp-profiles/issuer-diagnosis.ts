import "server-only";

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ENTRA_V1 = /^https:\/\/sts\.windows\.net\/([^/]+)\/$/;
const V2_SUFFIX = /\/v2\.0\/?$/;

/**
 * Why the issuer a discovery document announces differs from the profile's issuers.
 * `iss` is compared byte for byte (RFC 9068 §4, OIDC Core §3.1.3.7), so each near miss is named:
 * trailing slash, v1 vs v2 Entra issuer, wrong tenant, tenant given as a domain, different host.
 */
export function diagnoseIssuer(expected: string[], actual: string): string {
  const strip = (s: string) => s.replace(/\/+$/, "");
  const slash = expected.find((e) => strip(e) === strip(actual));
  if (slash !== undefined)
    return `Trailing slash difference: the IdP announces "${actual}" but the profile expects "${slash}". The token's iss must match exactly (Auth0 issuers end with "/", Entra v2 and Okta issuers do not).`;

  const tenantOf = (s: string) => ENTRA_V1.exec(s)?.[1] ?? tenantInPath(s);
  const actualTenant = tenantOf(actual);
  for (const e of expected) {
    const eTenant = tenantOf(e);
    const actualIsV1 = ENTRA_V1.test(actual);
    const expectedIsV1 = ENTRA_V1.test(e);
    const sameTenant =
      eTenant !== null && actualTenant !== null && eTenant.toLowerCase() === actualTenant.toLowerCase();
    if (sameTenant && (actualIsV1 !== expectedIsV1 || V2_SUFFIX.test(actual) !== V2_SUFFIX.test(e)))
      return `v1 vs v2 issuer: the IdP announces the ${actualIsV1 || !V2_SUFFIX.test(actual) ? "v1" : "v2.0"} issuer "${actual}" but the profile expects "${e}". Entra issues v1 or v2 tokens according to the API's accessTokenAcceptedVersion, not the endpoint: set the token version to match (or "both").`;
  }
  for (const e of expected) {
    const eTenant = tenantOf(e);
    if (
      eTenant &&
      actualTenant &&
      eTenant.toLowerCase() !== actualTenant.toLowerCase() &&
      sameShape(e, actual, eTenant, actualTenant)
    ) {
      if (!GUID.test(eTenant) && GUID.test(actualTenant))
        return `Tenant given as a domain: tokens carry the tenant id, so the issuer is "${actual}". Use the tenant GUID ${actualTenant} instead of ${eTenant}.`;
      return `Wrong tenant: the IdP announces tenant ${actualTenant} ("${actual}") but the profile expects tenant ${eTenant} ("${e}"). Check the tenant id, or that the discovery URL points at the right tenant.`;
    }
  }
  const okta = diagnoseOkta(expected, actual);
  if (okta) return okta;
  const host = (s: string) => {
    try {
      return new URL(s).host;
    } catch {
      return s;
    }
  };
  const first = expected[0] ?? "";
  if (host(first) !== host(actual))
    return `Different host: the IdP announces "${actual}" but the profile expects "${first}". The discovery URL may point at another IdP, or the domain is wrong.`;
  return `Issuer mismatch: the IdP announces "${actual}" but the profile expects ${expected.map((e) => `"${e}"`).join(" or ")}. Tokens from this IdP would be refused; copy the announced issuer if it is the right IdP.`;
}

const OKTA_AS = /^(https?:\/\/[^/]+)\/oauth2\/([^/]+)$/;

/** Okta: a different custom authorization server, or the org server (whose tokens are not for your APIs). */
function diagnoseOkta(expected: string[], actual: string): string | null {
  for (const e of expected) {
    const em = OKTA_AS.exec(e);
    if (!em) continue;
    const am = OKTA_AS.exec(actual);
    if (am && am[1] === em[1])
      return `Different authorization server: the IdP announces "${am[2]}" but the profile expects "${em[2]}". Check the authorization server id (Security → API → Authorization Servers).`;
    if (!am && actual.replace(/\/+$/, "") === em[1])
      return `Org authorization server: "${actual}" is Okta's org server, whose access tokens are not meant for your APIs. Use a custom authorization server (e.g. "default").`;
  }
  return null;
}

function tenantInPath(s: string): string | null {
  try {
    const seg = new URL(s).pathname.split("/").filter(Boolean);
    // Entra-shaped: /{tenant}/v2.0 (also loopback test IdPs mounted like it).
    if (
      seg.length >= 1 &&
      (seg[1] === "v2.0" || seg.length === 1) &&
      seg[0] &&
      (GUID.test(seg[0]) || seg[0].includes("."))
    )
      return seg[0];
    return null;
  } catch {
    return null;
  }
}

/** Same URL once the tenant is swapped: the only difference is the tenant. */
function sameShape(a: string, b: string, ta: string, tb: string): boolean {
  return a.toLowerCase().replace(ta.toLowerCase(), "T") === b.toLowerCase().replace(tb.toLowerCase(), "T");
}
