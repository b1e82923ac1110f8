/**
 * Node `http` ↔ Fetch translation for the adapters: the request URL (from a
 * trusted base, never from forwarded headers unless told to), the MCP SDK's `AuthInfo` and writing a Fetch `Response` to a `ServerResponse`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthContext } from "../types.js";

// Body reading lives in node-body.ts; re-exported so adapters keep one import site.
export { bodyWithoutReading, bufferedBody, collectBody, readNodeBody } from "./node-body.js";

/**
 * The MCP TypeScript SDK's `AuthInfo` (`@modelcontextprotocol/sdk/server/auth/types.js`), declared here so
 * `lib/enforcer` needs no SDK import. SDK tool handlers read it as `extra.authInfo`.
 *
 * @example
 * server.tool("whoami", async (_args, extra) => ({ content: [{ type: "text", text: String(extra.authInfo?.extra?.sub) }] }));
 */
export interface McpAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  resource?: URL;
  extra?: Record<string, unknown>;
}

/** A Node request after the enforcer allowed it. @example (req as EnforcedRequest).auth?.scopes */
export type EnforcedRequest = IncomingMessage & {
  /** The MCP SDK's AuthInfo shape. */
  auth?: McpAuthInfo;
  /** The parsed JSON-RPC message (POST). */
  body?: unknown;
  /** The enforcer's full decision context (method, tool, normalized token). */
  portcullis?: AuthContext;
};

/** Options shared by the Node, Express and MCP SDK adapters. @example toNodeMiddleware(enforcer, { baseUrl: "https://mcp.example.com" }) */
export interface NodeAdapterOptions {
  /**
   * The public origin (`https://mcp.example.com`) requests are resolved against. Default: `http://` plus the
   * `Host` header. Only the path and query of the URL are used for decisions.
   */
  baseUrl?: string;
  /** Take scheme and host from `X-Forwarded-Proto`/`X-Forwarded-Host` (only behind a proxy that sets them). Default false. */
  trustProxy?: boolean;
  /** Largest request body read, bytes; keep it equal to `createEnforcer`'s `maxBodyBytes`. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Filter `tools/list` responses to the tools the token may call. Default true. */
  filterToolsList?: boolean;
  /**
   * The client's address for the failed-auth lockout, e.g. `(req) => req.socket.remoteAddress`. Default: none, so no
   * lockout by address (behind a proxy every client shares the proxy's address; derive it from your proxy's header).
   */
  clientAddress?: (req: IncomingMessage) => string | undefined;
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The request target as the client sent it: Express rewrites `req.url` inside mounted routers and keeps the
 * original in `req.originalUrl`.
 *
 * @example
 * requestTarget(req) // "/api/mcp?x=1" even inside app.use("/api", router)
 */
export function requestTarget(req: IncomingMessage): string {
  const target = (req as { originalUrl?: unknown }).originalUrl;
  const url = typeof target === "string" ? target : req.url;
  return url?.startsWith("/") ? url : "/";
}

/**
 * A target that WHATWG URL resolution against a base leaves byte for byte as it is: a single leading slash, no
 * dot segment, no percent sign (`%2e` is a dot too), only characters no percent-encode set touches.
 */
const VERBATIM_TARGET = /^\/(?!\/)[A-Za-z0-9\-._~!$&()*+,;=:@/?]*$/;
let lastBase = "";
let lastBasePrefix = "";

/** `scheme://[userinfo@]host[:port]` of a base URL, as `new URL(path, base).href` would begin. Memoized: one base per app. */
function basePrefix(baseUrl: string): string {
  if (baseUrl !== lastBase) {
    lastBasePrefix = new URL("/", baseUrl).href.slice(0, -1);
    lastBase = baseUrl;
  }
  return lastBasePrefix;
}

/** The absolute URL of a Node request. @example requestUrl(req, { baseUrl: "https://mcp.example.com" }) */
export function requestUrl(req: IncomingMessage, opts: NodeAdapterOptions): string {
  const path = requestTarget(req);
  if (opts.baseUrl) {
    // Same result as `new URL(path, baseUrl).href` (asserted by the tests), without parsing on every request.
    if (VERBATIM_TARGET.test(path) && !path.includes("/.")) return basePrefix(opts.baseUrl) + path;
    return new URL(path, opts.baseUrl).href;
  }
  let proto = "encrypted" in req.socket && req.socket.encrypted ? "https" : "http";
  let host = req.headers.host;
  if (opts.trustProxy) {
    const fwdProto = firstValue(req.headers["x-forwarded-proto"]);
    const fwdHost = firstValue(req.headers["x-forwarded-host"]);
    if (fwdProto === "http" || fwdProto === "https") proto = fwdProto;
    if (fwdHost) host = fwdHost;
  }
  // A Host that is not a plain host[:port] (it is client-controlled) is replaced, not parsed.
  return `${proto}://${host && HOST.test(host) ? host : "localhost"}${path}`;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(",")[0]?.trim() || undefined;
}

/**
 * A URL that cannot be changed: its setters throw and `searchParams` is a copy. `AuthInfo.resource` is one of
 * these, shared by every request for the same resource URI: building a fresh `URL` per request cost ≈1.5 µs of
 * server CPU (about a third of the adapter's whole cost on a verified-token cache hit), and a shared object that
 * no handler can change cannot leak one request's change into the next.
 */
class ReadonlyURL extends URL {}
for (const key of [
  "hash",
  "host",
  "hostname",
  "href",
  "password",
  "pathname",
  "port",
  "protocol",
  "search",
  "username",
]) {
  const inherited = Object.getOwnPropertyDescriptor(URL.prototype, key);
  Object.defineProperty(ReadonlyURL.prototype, key, {
    get: inherited?.get,
    set() {
      throw new TypeError(`AuthInfo.resource is read-only (copy it with new URL(resource) to change ${key})`);
    },
    enumerable: true,
    configurable: true,
  });
}
Object.defineProperty(ReadonlyURL.prototype, "searchParams", {
  get(this: URL) {
    return new URLSearchParams(this.search);
  },
  enumerable: true,
  configurable: true,
});

const resourceUrls = new Map<string, URL>();

/** The shared read-only URL of a resource URI (a handful per process: one per policy's resource). */
function resourceUrl(uri: string): URL {
  let url = resourceUrls.get(uri);
  if (!url) {
    if (resourceUrls.size >= 16) resourceUrls.clear();
    url = new ReadonlyURL(uri);
    resourceUrls.set(uri, url);
  }
  return url;
}

/** The SDK's AuthInfo for an allowed request. @example req.auth = toMcpAuthInfo(bearer, auth, policy.resource.uri) */
export function toMcpAuthInfo(rawToken: string, auth: AuthContext, resource: string | undefined): McpAuthInfo {
  const t = auth.token;
  const info: McpAuthInfo = {
    token: rawToken,
    clientId: t.clientId ?? "",
    scopes: [...t.scopes],
    expiresAt: t.expiresAt,
    extra: { sub: t.subject, claims: t.claims, roles: t.roles, method: auth.method, tool: auth.tool },
  };
  if (resource) info.resource = resourceUrl(resource);
  return info;
}

/** Writes a Fetch `Response` (denials, metadata) to a Node response, streaming its body. @example await writeFetchResponse(res, decision.response) */
export async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}
