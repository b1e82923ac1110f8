import "server-only";
import { type FetchJsonResult, fetchJson } from "../idp-profiles/fetch-json";

/**
 * Outbound fetches of the kit verification and the token debugger go through `fetchJson`, the IdP
 * Test connection's fetcher (built on lib/server/net/safe-fetch: https or loopback http only, public
 * addresses unless ALLOW_PRIVATE_NETWORK_FETCH, checked redirects, 5 s, 1 MiB). This adapter lets the
 * enforcer's JWKS cache use it as its `fetch`, and records each failure's readable reason.
 */
export function guardedJsonFetch(): { fetch: typeof fetch; failures: string[] } {
  const failures: string[] = [];
  const guarded = (async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    const res: FetchJsonResult = await fetchJson(url);
    if (!res.ok) {
      failures.push(res.error);
      // Only a status reaches the enforcer: it reports jwks_unavailable, the reason is in `failures`.
      return new Response("{}", { status: 502, headers: { "content-type": "application/json" } });
    }
    return new Response(JSON.stringify(res.json), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { fetch: guarded, failures };
}
