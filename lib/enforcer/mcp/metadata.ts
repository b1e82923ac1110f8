/**
 * RFC 9728 OAuth 2.0 Protected Resource Metadata: the document, where it is served, and the URL the
 * `WWW-Authenticate` challenge points to (MCP authorization spec: clients start discovery there).
 */
import type { EnforcerPolicy } from "../policy.js";
import type { ProtectedResourceMetadata } from "./types.js";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

/**
 * The RFC 9728 §2 document for a policy. `resource` is the canonical resource URI exactly as
 * configured (RFC 9728 §3.3: a client must check it equals the URI it used).
 *
 * @example
 * protectedResourceMetadata(policy)
 * // { resource: "https://mcp.example.com/mcp", authorization_servers: ["https://login.microsoftonline.com/t/v2.0"],
 * //   scopes_supported: ["mcp:tools", …], bearer_methods_supported: ["header"], resource_name: "files" }
 */
export function protectedResourceMetadata(policy: EnforcerPolicy): ProtectedResourceMetadata {
  const doc: ProtectedResourceMetadata = {
    resource: policy.resource.uri,
    authorization_servers: [...policy.idp.authorizationServers],
    scopes_supported: [...policy.scopesSupported],
    // RFC 6750 §2.1 only: tokens in a form body or the query string are refused.
    bearer_methods_supported: ["header"],
    resource_name: policy.resource.name,
  };
  if (policy.resource.documentationUrl) doc.resource_documentation = policy.resource.documentationUrl;
  return doc;
}

/** The path component of the resource URI without a trailing slash ("" for the root). */
function resourcePath(policy: EnforcerPolicy): string {
  const path = new URL(policy.resource.uri).pathname;
  return path === "/" ? "" : path.replace(/\/+$/, "");
}

/**
 * The URL of the metadata document for the resource: RFC 9728 §3.1 inserts the well-known segment
 * between the host and the path, so `https://mcp.example.com/mcp` →
 * `https://mcp.example.com/.well-known/oauth-protected-resource/mcp`.
 *
 * @example
 * resourceMetadataUrl(policy) // "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
 */
export function resourceMetadataUrl(policy: EnforcerPolicy): string {
  return new URL(policy.resource.uri).origin + WELL_KNOWN + resourcePath(policy);
}

/**
 * Request paths at which the enforcer answers with the metadata document: the path-suffixed form of
 * RFC 9728 §3.1 and, for clients that only try the root, the bare well-known path.
 *
 * @example
 * metadataPaths(policy) // ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]
 */
export function metadataPaths(policy: EnforcerPolicy): string[] {
  const suffixed = WELL_KNOWN + resourcePath(policy);
  return suffixed === WELL_KNOWN ? [WELL_KNOWN] : [suffixed, WELL_KNOWN];
}

/**
 * The HTTP response serving the document: public, cacheable for an hour, readable cross-origin
 * (browser-based MCP clients fetch it during discovery).
 *
 * @example
 * if (metadataPaths(policy).includes(url.pathname)) return metadataResponse(policy);
 */
export function metadataResponse(policy: EnforcerPolicy, method = "GET"): Response {
  const headers = {
    "content-type": "application/json",
    "cache-control": "public, max-age=3600",
    "access-control-allow-origin": "*",
  };
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
    return new Response(null, { status: 405, headers: { allow: "GET, HEAD, OPTIONS" } });
  }
  if (method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...headers,
        "access-control-allow-methods": "GET, HEAD, OPTIONS",
        // The SDK sends MCP-Protocol-Version on discovery; browsers preflight it (and Authorization, Content-Type).
        "access-control-allow-headers": "authorization, mcp-protocol-version, content-type",
        "access-control-max-age": "600",
      },
    });
  }
  const body = JSON.stringify(protectedResourceMetadata(policy));
  return new Response(method === "HEAD" ? null : body, { status: 200, headers });
}
