/**
 * Reading the MCP JSON-RPC message of a Streamable HTTP POST: bounded, exactly one message.
 * JSON-RPC batching was removed from MCP in the 2025-06-18 revision, so an array is refused
 * outright rather than authorized element by element (one request, one decision).
 */
import { EnforcerError, ReasonCode } from "../errors.js";

/** What the enforcer needs from one JSON-RPC message. @example parseJsonRpc(body).method // "tools/call" */
export interface JsonRpcInfo {
  kind: "request" | "notification" | "response";
  /** `method` for requests and notifications. */
  method: string | undefined;
  /** `id` of requests and responses. */
  id: string | number | null | undefined;
  /** `params.name` of a `tools/call`. */
  toolName: string | undefined;
  /** The parsed message. */
  message: Record<string, unknown>;
}

/**
 * Reads a request body as text, refusing more than `maxBytes` (413 `body_too_large`) without
 * buffering the excess: a declared `Content-Length` is checked first, the stream is counted as read.
 *
 * @example
 * const text = await readBodyLimited(request, 1024 * 1024);
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      // An aborted upload is the client's problem, not a 500.
      throw new EnforcerError(ReasonCode.RequestMalformed, "request body could not be read", { cause });
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 && chunks[0]
    ? Buffer.from(chunks[0]).toString("utf8")
    : Buffer.concat(chunks).toString("utf8");
}

/**
 * Parses and classifies one JSON-RPC 2.0 message (JSON-RPC 2.0 §4-§5). Anything that is not exactly
 * one well-formed message is `request_malformed` (400): batches, non-objects, a missing or wrong
 * `jsonrpc`, a non-string `method`, a `tools/call` without a string `params.name`.
 *
 * @example
 * const rpc = parseJsonRpc('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file"}}');
 * rpc.toolName // "read_file"
 */
export function parseJsonRpc(text: string): JsonRpcInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed("body is not JSON");
  }
  if (Array.isArray(value)) throw malformed("JSON-RPC batches are not supported (removed in MCP 2025-06-18)");
  if (value === null || typeof value !== "object") throw malformed("body is not a JSON-RPC message");
  const msg = value as Record<string, unknown>;
  if (msg.jsonrpc !== "2.0") throw malformed('jsonrpc must be "2.0"');
  const id = msg.id;
  if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number")
    throw malformed("invalid id");
  if (msg.method === undefined) {
    // A response from the client to a server-initiated request (sampling, elicitation, roots).
    if (id === undefined || (msg.result === undefined && msg.error === undefined))
      throw malformed("not a request or response");
    return { kind: "response", method: undefined, id, toolName: undefined, message: msg };
  }
  if (typeof msg.method !== "string" || msg.method.length === 0) throw malformed("method must be a string");
  const method = msg.method;
  const params = msg.params;
  if (params !== undefined && (params === null || typeof params !== "object"))
    throw malformed("params must be structured");
  let toolName: string | undefined;
  if (method === "tools/call") {
    const name = (params as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string" || name.length === 0) throw malformed("tools/call needs params.name");
    toolName = name;
  }
  return { kind: id === undefined ? "notification" : "request", method, id, toolName, message: msg };
}

function malformed(message: string): EnforcerError {
  return new EnforcerError(ReasonCode.RequestMalformed, message);
}

function tooLarge(maxBytes: number): EnforcerError {
  return new EnforcerError(ReasonCode.BodyTooLarge, `request body exceeds ${maxBytes} bytes`);
}
