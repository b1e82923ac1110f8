/**
 * `tools/list` response filtering: agents only see the tools their token may
 * call (issue 3, "MCP-aware authorization"). Calls are still authorized one by
 * one; this keeps tool names, descriptions and schemas from leaking and stops
 * models from planning with tools they will be refused.
 *
 * Streamable HTTP answers a POST with `application/json` or with an SSE stream
 * (`text/event-stream`, MCP transports spec); both are handled. SSE is rewritten
 * event by event as it streams, and only events whose JSON-RPC message carries
 * `result.tools` are touched. Unfilterable responses fail closed.
 */

import type { AuthContext, Enforcer, ResponseFilter } from "../types.js";
import { missingToolScopes } from "./authorize.js";
import { type AllowedNames, createSseToolsRewriter, filterToolsListJson } from "./tools-filter-core.js";

export {
  type AllowedNames,
  createSseToolsRewriter,
  describeNeededScopes,
  filterToolsListJson,
  filterToolsListMessage,
  type SseToolsRewriter,
  type VisibleTools,
} from "./tools-filter-core.js";

/** Options of {@link filterToolsListResponse}. @example await filterToolsListResponse(res, allowedNames, { maxBytes: 1 << 20 }); */
export interface ToolsFilterOptions {
  /** Largest JSON body or single SSE event buffered, bytes. Default 16 MiB. */
  maxBytes?: number;
}

/** The kind of body, from `Content-Type`. @example bodyKind("text/event-stream") === "sse" */
export function bodyKind(contentType: string | null | undefined): "json" | "sse" | "other" {
  // The two spellings servers send, without the split/trim/lower-case copies (this runs on every response).
  if (contentType === "application/json") return "json";
  if (contentType === "text/event-stream") return "sse";
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (type === "text/event-stream") return "sse";
  return "other";
}

/**
 * Removes from a `tools/list` response every tool `allowedNames` does not return. JSON bodies are
 * rewritten whole; SSE bodies are streamed through a rewriter, event by event.
 *
 * @example
 * const filtered = await filterToolsListResponse(upstream, (names) => enforcer.allowedTools(auth, names));
 */
export async function filterToolsListResponse(
  response: Response,
  allowedNames: AllowedNames,
  opts: ToolsFilterOptions = {},
): Promise<Response> {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const kind = bodyKind(response.headers.get("content-type"));
  if (kind === "other" || response.body === null) return response;
  const encoding = response.headers.get("content-encoding");
  if (encoding && encoding.toLowerCase() !== "identity") {
    await response.body.cancel();
    return unfilterable(`the tools/list response is ${encoding}-encoded`);
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length"); // the body changes length
  const init = { status: response.status, statusText: response.statusText, headers };
  if (kind === "json") {
    const text = await readBounded(response.body, maxBytes);
    if (text === undefined) return unfilterable(`the tools/list response exceeds ${maxBytes} bytes`);
    return new Response(filterToolsListJson(text, allowedNames), init);
  }
  const rewriter = createSseToolsRewriter(allowedNames, maxBytes);
  const transform = new TransformStream<string, string>({
    transform(chunk, controller) {
      const out = rewriter.push(chunk);
      if (out) controller.enqueue(out);
    },
    flush(controller) {
      const out = rewriter.flush();
      if (out) controller.enqueue(out);
    },
  });
  const body = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(transform)
    .pipeThrough(new TextEncoderStream());
  return new Response(body, init);
}

/**
 * A `responseFilter` for `createEnforcer` that filters `tools/list` responses (JSON or SSE) and every other SSE
 * response (issue 10 #4: a `GET` with `Last-Event-ID` replays stored events, a `tools/list` answer among them,
 * on a request that names no method); other responses pass untouched.
 *
 * @example
 * const enforcer = createEnforcer({ policy, responseFilter: toolsListFilter });
 */
export const toolsListFilter: ResponseFilter = async (response, auth, enforcer) =>
  auth.method === "tools/list" || bodyKind(response.headers.get("content-type")) === "sse"
    ? filterToolsListResponse(response, visibleToolsFor(enforcer, auth))
    : response;

/**
 * What `tools/list` shows this caller: the enforcer's `allowedTools`, plus the scopes still needed by each tool
 * shown for step-up (their descriptions name them).
 *
 * @example
 * filterToolsListResponse(upstream, visibleToolsFor(enforcer, auth));
 */
export function visibleToolsFor(enforcer: Enforcer, auth: AuthContext): AllowedNames {
  return (names) => {
    const policy = enforcer.policy;
    return {
      names: enforcer.allowedTools(auth, names),
      needs: policy ? missingToolScopes(policy, auth.token, names) : {},
    };
  };
}

async function readBounded(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Fail closed: a tool list we cannot filter is not passed on (RFC 9110 §15.6.3, 502 Bad Gateway). */
function unfilterable(reason: string): Response {
  const body = { jsonrpc: "2.0", id: null, error: { code: -32603, message: `Portcullis cannot filter: ${reason}` } };
  return new Response(JSON.stringify(body), { status: 502, headers: { "content-type": "application/json" } });
}
