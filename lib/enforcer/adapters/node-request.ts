/**
 * Node `http` ↔ Fetch translation for the adapters: the request URL (from a
 * trusted base, never from forwarded headers unless told to), the bounded body
 * read, the MCP SDK's `AuthInfo` and writing a Fetch `Response` to a `ServerResponse`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthContext } from "../types.js";

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

/** The absolute URL of a Node request. @example requestUrl(req, { baseUrl: "https://mcp.example.com" }) */
export function requestUrl(req: IncomingMessage, opts: NodeAdapterOptions): string {
  const path = requestTarget(req);
  if (opts.baseUrl) return new URL(path, opts.baseUrl).href;
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
 * Reads the body, at most `maxBytes`. Returns the text, or `undefined` when it is larger (the caller answers 413).
 * A body already read by earlier middleware (`express.json()`, a `req.body` string or Buffer) is reused.
 *
 * @example
 * const text = await readNodeBody(req, 1024 * 1024); if (text === undefined) tooLarge();
 */
export async function readNodeBody(
  req: IncomingMessage & { body?: unknown },
  maxBytes: number,
): Promise<string | undefined> {
  if (req.readableEnded || req.body !== undefined) {
    const b = req.body;
    if (b === undefined) return "";
    const text = typeof b === "string" ? b : Buffer.isBuffer(b) ? b.toString("utf8") : JSON.stringify(b);
    return Buffer.byteLength(text) > maxBytes ? undefined : text;
  }
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) return undefined;
  // Plain listeners rather than `for await`: this runs on every request and the async iterator costs more.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause(); // stop reading; Node discards the rest once the response is sent
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
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
  if (resource) info.resource = new URL(resource); // a fresh object: handlers may mutate it
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
