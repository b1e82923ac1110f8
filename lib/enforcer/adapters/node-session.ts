/**
 * Session binding for the Node adapters (issue 10 #5): the `Mcp-Session-Id` a server returns with `initialize`
 * is read as its headers go out, so the session is bound to its creator before the client can use it.
 */
import type { ServerResponse } from "node:http";
import type { AuthContext, Enforcer } from "../types.js";

/**
 * Wraps `res.writeHead` for this one response: the session id (from the `writeHead` headers or `setHeader`)
 * is handed to `enforcer.bindSession`. Node's implicit headers (first `write`) go through `writeHead` too.
 *
 * @example
 * if (auth.method === "initialize") captureSessionId(res, auth, enforcer);
 */
export function captureSessionId(res: ServerResponse, auth: AuthContext, enforcer: Enforcer): void {
  const original = res.writeHead;
  res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
    res.writeHead = original;
    const headers = args.find((a, i) => i > 0 && a !== null && typeof a === "object");
    const sessionId = sessionHeader(headers) ?? res.getHeader("mcp-session-id");
    if (typeof sessionId === "string" && sessionId !== "") enforcer.bindSession?.(sessionId, auth);
    return (original as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}

function sessionHeader(headers: unknown): unknown {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === "mcp-session-id") return headers[i + 1];
    }
    return undefined;
  }
  if (headers && typeof headers === "object") {
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === "mcp-session-id") return v;
  }
  return undefined;
}
