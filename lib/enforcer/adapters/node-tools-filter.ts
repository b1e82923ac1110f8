/**
 * `tools/list` filtering for a downstream that writes to a Node `ServerResponse`
 * (the MCP SDK's Node transport, Express handlers). `res.writeHead/write/end` are
 * wrapped for this one response: JSON bodies are buffered and rewritten with a
 * correct `Content-Length`; SSE bodies are rewritten event by event as they stream;
 * anything else passes through untouched.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { bodyKind } from "../mcp/tools-filter.js";
import { type AllowedNames, createSseToolsRewriter, filterToolsListJson } from "../mcp/tools-filter-core.js";

type Callback = (error?: Error | null) => void;
type Loose = (...args: unknown[]) => unknown;

/**
 * Wraps `res` so the `tools/list` result it carries lists only the tools `allowedNames` keeps. With `sseOnly`
 * a JSON body passes untouched and only an SSE stream is rewritten (for requests other than `tools/list`: a
 * resumed stream replays stored events, a tool list among them, issue 10 #4).
 *
 * @example
 * if (auth.method === "tools/list") filterNodeToolsList(res, (names) => enforcer.allowedTools(auth, names));
 */
export function filterNodeToolsList(
  res: ServerResponse,
  allowedNames: AllowedNames,
  maxBytes = 16 * 1024 * 1024,
  sseOnly = false,
): void {
  const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  const call = (fn: unknown, ...args: unknown[]) => (fn as Loose).apply(res, args);
  let mode: "undecided" | "json" | "sse" | "pass" | "reject" = "undecided";
  let head: { status: number; headers: OutgoingHttpHeaders } | undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  // Made when a body is actually filtered: most responses (tools/call results) pass through untouched.
  let decoder: TextDecoder | undefined;
  let sse: ReturnType<typeof createSseToolsRewriter> | undefined;
  const sseRewriter = () => {
    sse ??= createSseToolsRewriter(allowedNames, maxBytes);
    return sse;
  };
  const textOf = (buf?: Buffer) => {
    decoder ??= new TextDecoder();
    return buf === undefined ? decoder.decode() : decoder.decode(buf, { stream: true });
  };

  const restore = () => Object.assign(res, original);

  function writeHead(status: number, ...rest: unknown[]): ServerResponse {
    const given = typeof rest[0] === "string" ? rest[1] : rest[0];
    // Decide from the Content-Type alone first (read in place): a response that passes needs no header copy.
    const kind = bodyKind(String(headerIn(given, "content-type") ?? res.getHeader("content-type") ?? ""));
    if (kind === "other" || (sseOnly && kind === "json")) {
      mode = "pass";
      restore();
      return call(original.writeHead, status, ...rest) as ServerResponse;
    }
    const headers = toHeaderObject(given);
    const encoding = String(findHeader(headers, "content-encoding") ?? res.getHeader("content-encoding") ?? "identity");
    // A compressed tool list cannot be filtered: fail closed (502) rather than pass it on.
    mode = encoding.toLowerCase() === "identity" ? kind : "reject";
    deleteHeader(headers, "content-length"); // the body changes length
    res.removeHeader("content-length");
    if (mode === "json" || mode === "reject") {
      head = { status, headers };
      return res; // deferred until the whole body is known
    }
    return call(original.writeHead, status, headers) as ServerResponse;
  }

  function decide(): void {
    if (mode === "undecided" && !res.headersSent) writeHead(res.statusCode);
  }

  function write(chunk: unknown, encodingOrCb?: unknown, cb?: unknown): boolean {
    decide();
    const callback = (typeof encodingOrCb === "function" ? encodingOrCb : cb) as Callback | undefined;
    const encoding = typeof encodingOrCb === "string" ? (encodingOrCb as BufferEncoding) : undefined;
    if (mode === "pass") return call(original.write, chunk, encodingOrCb, cb) as boolean;
    if (mode === "reject") {
      if (callback) process.nextTick(callback);
      return true;
    }
    const buf = toBuffer(chunk, encoding);
    if (mode === "json") {
      size += buf.length;
      if (size > maxBytes) {
        res.destroy(new Error(`tools/list response exceeds ${maxBytes} bytes; not passed on unfiltered`));
        return false;
      }
      chunks.push(buf);
      if (callback) process.nextTick(callback);
      return true;
    }
    let out: string;
    try {
      out = sseRewriter().push(textOf(buf));
    } catch (err) {
      res.destroy(err as Error);
      return false;
    }
    if (out) return call(original.write, out, callback) as boolean;
    if (callback) process.nextTick(callback);
    return true;
  }

  function end(chunk?: unknown, encodingOrCb?: unknown, cb?: unknown): ServerResponse {
    if (typeof chunk === "function") return end(undefined, undefined, chunk);
    decide();
    const callback = (typeof encodingOrCb === "function" ? encodingOrCb : cb) as Callback | undefined;
    if (mode === "pass") return call(original.end, chunk, encodingOrCb, cb) as ServerResponse;
    if (chunk !== undefined && chunk !== null)
      write(chunk, typeof encodingOrCb === "string" ? encodingOrCb : undefined);
    if (res.destroyed) return res;
    restore();
    if (mode === "reject") {
      const error = { code: -32603, message: "Portcullis cannot filter a content-encoded tools/list response" };
      const body = JSON.stringify({ jsonrpc: "2.0", id: null, error });
      res.removeHeader("content-encoding");
      call(original.writeHead, 502, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      return call(original.end, body, callback) as ServerResponse;
    }
    if (mode === "json" && head) {
      const body = filterToolsListJson(Buffer.concat(chunks).toString("utf8"), allowedNames);
      head.headers["content-length"] = Buffer.byteLength(body);
      call(original.writeHead, head.status, head.headers);
      return call(original.end, body, callback) as ServerResponse;
    }
    const rewriter = sseRewriter();
    const tail = rewriter.push(textOf()) + rewriter.flush();
    return call(original.end, tail || undefined, callback) as ServerResponse;
  }

  Object.assign(res, {
    writeHead,
    write,
    end,
    // Headers of a buffered JSON body go out with the body; for SSE, flushing is fine.
    flushHeaders: () => (mode === "json" || mode === "reject" ? undefined : call(original.flushHeaders)),
  });
}

function toBuffer(chunk: unknown, encoding: BufferEncoding | undefined): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, encoding ?? "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

/** `writeHead` accepts an object or a flat `[name, value, …]` array (Node ≥ 18). */
function toHeaderObject(value: unknown): OutgoingHttpHeaders {
  if (Array.isArray(value)) {
    const out: OutgoingHttpHeaders = {};
    for (let i = 0; i + 1 < value.length; i += 2) out[String(value[i])] = value[i + 1] as string;
    return out;
  }
  return value && typeof value === "object" ? { ...(value as OutgoingHttpHeaders) } : {};
}

/** A header of what `writeHead` was given (an object or a flat array), read without copying; `name` in lower case. */
function headerIn(value: unknown, name: string): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i + 1 < value.length; i += 2) if (String(value[i]).toLowerCase() === name) return value[i + 1];
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  const headers = value as OutgoingHttpHeaders;
  if (Object.hasOwn(headers, name)) return headers[name]; // the usual lower-case spelling, no scan
  return findHeader(headers, name);
}

function findHeader(headers: OutgoingHttpHeaders, name: string): unknown {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function deleteHeader(headers: OutgoingHttpHeaders, name: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key];
}
