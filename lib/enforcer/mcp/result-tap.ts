/**
 * Reading the JSON-RPC messages of a response as it passes, without changing a byte (task handles, mcp/tasks.ts).
 * JSON bodies are parsed at their end, SSE events one by one; at most `maxBytes` are kept at a time, past that
 * the scanner gives up (the response still flows untouched, the handle is then not bound and later refused).
 */
import { bodyKind } from "./tools-filter.js";

const DEFAULT_MAX = 1024 * 1024;

/** Methods whose results teach the enforcer something. @example observesResults("tools/call") // true */
export function observesResults(method: string | undefined): boolean {
  return method === "tools/call" || method === "tools/list";
}

/** An incremental reader of one response body. @example const s = createMessageScanner("application/json", onMessage); s.push(text); s.end(); */
export interface MessageScanner {
  push(text: string): void;
  end(): void;
}

/**
 * Creates a scanner for a body of `contentType`; `onMessage` gets each parsed JSON-RPC message.
 *
 * @example
 * const scanner = createMessageScanner(res.headers.get("content-type"), (m) => console.log(m));
 */
export function createMessageScanner(
  contentType: string | null | undefined,
  onMessage: (message: unknown) => void,
  maxBytes = DEFAULT_MAX,
): MessageScanner {
  // The header may not be set yet when the first chunk is written (a deferred writeHead): sniff the body then.
  let kind = bodyKind(contentType);
  let sniff = kind === "other";
  let buffer = "";
  let dead = false;
  const emit = (text: string) => {
    // Only task handles and tool lists teach anything: skip parsing every other result (tools/call is the hot path).
    if (!text.includes('"taskId"') && !text.includes('"tools"')) return;
    try {
      onMessage(JSON.parse(text));
    } catch {
      // not JSON: nothing to learn
    }
  };
  const sseEvents = (final: boolean) => {
    for (;;) {
      const match = /\r\n\r\n|\n\n|\r\r/.exec(buffer);
      if (!match) break;
      const event = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      const data = event
        .split(/\r\n|\n|\r/)
        .filter((l) => l === "data" || l.startsWith("data:"))
        .map((l) => l.slice(l[5] === " " ? 6 : 5));
      if (data.length > 0) emit(data.join("\n"));
    }
    if (final) buffer = "";
  };
  return {
    push(text) {
      if (dead) return;
      buffer += text;
      if (sniff) {
        const start = buffer.trimStart();
        if (start === "") return;
        kind = start.startsWith("{") ? "json" : /^(data|event|id|retry)?:/.test(start) ? "sse" : "other";
        sniff = false;
        if (kind === "other") {
          dead = true;
          buffer = "";
          return;
        }
      }
      if (kind === "sse") sseEvents(false);
      if (buffer.length > maxBytes) {
        dead = true;
        buffer = "";
      }
    },
    end() {
      if (dead) return;
      if (kind === "json") emit(buffer);
      else if (kind === "sse") sseEvents(true);
      dead = true;
      buffer = "";
    },
  };
}

/**
 * The same response, whose body is also scanned for JSON-RPC messages as the client reads it.
 *
 * @example
 * response = observeResponseResults(response, (message) => enforcer.observeResult?.(auth, message));
 */
export function observeResponseResults(response: Response, onMessage: (message: unknown) => void): Response {
  if (!response.body || bodyKind(response.headers.get("content-type")) === "other") return response;
  const scanner = createMessageScanner(response.headers.get("content-type"), onMessage);
  const decoder = new TextDecoder();
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      scanner.push(decoder.decode(chunk, { stream: true }));
      controller.enqueue(chunk);
    },
    flush() {
      scanner.push(decoder.decode());
      scanner.end();
    },
  });
  return new Response(response.body.pipeThrough(tap), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
