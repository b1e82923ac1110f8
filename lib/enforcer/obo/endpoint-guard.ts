/**
 * Where a published downstream may send the user's token and this server's client credentials. A control-plane
 * admin writes `tokenEndpoint` into the bundle; without a bound, a malicious or compromised admin could point every
 * enforcer's exchanges (with their secrets) at a host of their own. The IdP's own origins (issuers, JWKS,
 * authorization servers) are trusted; any other origin only when the MCP server's code lists it.
 */
import type { EnforcerPolicy } from "../policy.js";
import { OboError } from "./errors.js";
import type { OboDownstreamConfig } from "./types.js";

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The origins a policy's IdP answers on. @example idpOrigins(policy) // ["https://login.microsoftonline.com"] */
export function idpOrigins(idp: EnforcerPolicy["idp"]): Set<string> {
  const origins = new Set<string>();
  for (const url of [...idp.issuers, idp.jwksUri, ...idp.authorizationServers]) {
    const origin = originOf(url);
    if (origin && origin !== "null") origins.add(origin);
  }
  return origins;
}

/**
 * Throws `token_endpoint_refused` unless the downstream's token endpoint is on one of the IdP's origins or on an
 * origin the server's code allows (`allowed`, compared as URL origins).
 */
export function assertTokenEndpointAllowed(
  downstream: OboDownstreamConfig,
  idp: EnforcerPolicy["idp"],
  allowed: readonly string[],
): void {
  const origin = originOf(downstream.tokenEndpoint);
  const trusted = idpOrigins(idp);
  for (const a of allowed) {
    const o = originOf(a);
    if (o) trusted.add(o);
  }
  if (origin && trusted.has(origin)) return;
  throw new OboError(
    "token_endpoint_refused",
    `downstream ${downstream.name}: token endpoint origin ${origin ?? "(invalid)"} is not the IdP's (${[...idpOrigins(idp)].join(", ")}); ` +
      "list it in allowTokenEndpointOrigins if this server should trust it",
  );
}
