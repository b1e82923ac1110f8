/**
 * The bounded body read of the Node adapters: reuse a body earlier middleware parsed, take a small body that
 * arrived with the headers synchronously, otherwise stream it with a size cap.
 */
import type { IncomingMessage } from "node:http";

/**
 * Reads the body, at most `maxBytes`. Returns the text, or `undefined` when it is larger (the caller answers 413).
 * A body already read by earlier middleware (`express.json()`, a `req.body` string or Buffer) is reused, and then
 * returned directly rather than as a Promise.
 *
 * @example
 * const text = await readNodeBody(req, 1024 * 1024); if (text === undefined) tooLarge();
 */
export function readNodeBody(
  req: IncomingMessage & { body?: unknown },
  maxBytes: number,
): string | undefined | Promise<string | undefined> {
  const early = bodyWithoutReading(req, maxBytes);
  if (early !== null) return early;
  return new Promise((resolve, reject) => collectBody(req, maxBytes, resolve, () => resolve(undefined), reject));
}

/**
 * The body when no reading is needed: text already parsed or buffered by earlier middleware, `undefined` when that
 * text or the declared `Content-Length` exceeds `maxBytes`; `null` when the stream must be read.
 *
 * @example
 * const early = bodyWithoutReading(req, 1 << 20); if (early === null) collectBody(req, 1 << 20, ok, tooLarge, fail);
 */
export function bodyWithoutReading(
  req: IncomingMessage & { body?: unknown },
  maxBytes: number,
): string | undefined | null {
  if (req.readableEnded || req.body !== undefined) {
    const b = req.body;
    if (b === undefined) return "";
    const text = typeof b === "string" ? b : Buffer.isBuffer(b) ? b.toString("utf8") : JSON.stringify(b);
    return Buffer.byteLength(text) > maxBytes ? undefined : text;
  }
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  return declared > maxBytes ? undefined : null;
}

/**
 * A `Content-Length` body whose bytes are all in the request's buffer already, read synchronously (no stream
 * events, no promise): the text, `undefined` past `maxBytes`, or `null` when the bytes are not all there yet,
 * or when another reader, an encoding or a chunked body rules the shortcut out.
 *
 * @example
 * const text = bufferedBody(req, 1 << 20); if (text === null) collectBody(req, 1 << 20, ok, tooLarge, fail);
 */
export function bufferedBody(req: IncomingMessage, maxBytes: number): string | undefined | null {
  const declared = req.headers["content-length"];
  if (declared === undefined || req.readableFlowing === true || req.readableEncoding !== null) return null;
  const length = Number(declared);
  // The parser pushes exactly Content-Length bytes for this message, so a buffer that long holds all of it.
  if (!Number.isInteger(length) || length < 0 || req.readableLength < length) return null;
  if (length > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  for (let chunk: Buffer | null = req.read(); chunk !== null; chunk = req.read()) chunks.push(chunk);
  return chunks.length === 1 && chunks[0] ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
}

/**
 * Buffers the request stream, calling exactly one of `onText`, `onTooLarge` (past `maxBytes`: reading stops, Node
 * discards the rest once the response is sent) or `onError`. Plain listeners rather than `for await` and no promise
 * of its own: this runs on every request, and the caller settles its own promise from the callbacks.
 *
 * @example
 * new Promise((resolve, reject) => collectBody(req, 1 << 20, resolve, () => reject(tooLarge), reject));
 */
export function collectBody(
  req: IncomingMessage,
  maxBytes: number,
  onText: (text: string) => void,
  onTooLarge: () => void,
  onError: (err: Error) => void,
): void {
  // Aborted before anyone listened: its 'error' has been emitted already and 'end' never will be.
  if (req.destroyed && !req.complete) {
    onError(new Error("the request was aborted before its body was read"));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const cleanup = () => {
    req.off("data", data);
    req.off("end", end);
    req.off("error", error);
  };
  const data = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      cleanup();
      req.pause();
      onTooLarge();
      return;
    }
    chunks.push(chunk);
  };
  const end = () => {
    // No cleanup: the stream is over, and the listeners go with the request (saves three removals per request).
    onText(chunks.length === 1 && chunks[0] ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
  };
  const error = (err: Error) => {
    cleanup();
    onError(err);
  };
  req.on("data", data);
  req.on("end", end);
  req.on("error", error);
}
