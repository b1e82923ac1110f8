/**
 * Reads the JSON-RPC messages a Node `ServerResponse` carries while they are written, without changing them
 * (the tools/call results that hand out task handles, mcp/tasks.ts). Bytes pass through as they come.
 */
import type { ServerResponse } from "node:http";
import { createMessageScanner, type MessageScanner } from "../mcp/result-tap.js";

type Loose = (...args: unknown[]) => unknown;

/**
 * Wraps `res.write`/`res.end` of this one response so `onMessage` sees every JSON-RPC message it carries.
 *
 * @example
 * if (auth.method === "tools/call") tapNodeResults(res, (m) => enforcer.observeResult?.(auth, m));
 */
export function tapNodeResults(res: ServerResponse, onMessage: (message: unknown) => void): void {
  const original = { write: res.write, end: res.end };
  let scanner: MessageScanner | undefined;
  let decoder: TextDecoder | undefined; // made at the first binary chunk (a JSON reply is mostly one string)
  const see = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    scanner ??= createMessageScanner(String(res.getHeader("content-type") ?? ""), onMessage);
    try {
      if (typeof chunk === "string") {
        // What goes on the wire, as text: a well-formed string written as UTF-8 is itself (no round trip
        // through a Buffer); another encoding, or lone surrogates (sent as U+FFFD), are converted as Node sends them.
        const utf8 = typeof encoding !== "string" || encoding === "utf8" || encoding === "utf-8";
        scanner.push(
          utf8 && isWellFormed(chunk)
            ? chunk
            : Buffer.from(chunk, utf8 ? "utf8" : (encoding as BufferEncoding)).toString("utf8"),
        );
      } else if (chunk instanceof Uint8Array) {
        decoder ??= new TextDecoder();
        scanner.push(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      // observation never breaks the response
    }
  };
  Object.assign(res, {
    write(chunk: unknown, ...rest: unknown[]) {
      see(chunk, rest[0]);
      return (original.write as Loose).apply(res, [chunk, ...rest]);
    },
    end(chunk?: unknown, ...rest: unknown[]) {
      see(chunk, rest[0]);
      Object.assign(res, original);
      try {
        scanner?.end();
      } catch {
        // idem
      }
      return (original.end as Loose).apply(res, [chunk, ...rest]);
    },
  });
}

/** `String.prototype.isWellFormed` (ES2024, Node ≥ 20); where missing, assume not (the safe, slower path). */
function isWellFormed(text: string): boolean {
  return (text as { isWellFormed?: () => boolean }).isWellFormed?.() === true;
}
