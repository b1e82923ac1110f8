/**
 * The validator's allocation-free reader of compact JWS. {@link parseCompactJws} gives every token three
 * new buffers (payload, signature, signing input); on a verified-token cache miss those allocations, and
 * the garbage they leave, cost about as much as everything else around the signature check. This reader
 * makes the same checks in the same order (splitCompactJws, then the strict canonical base64url rule of
 * decodeBase64Url for both segments) but decodes into one buffer it keeps, and hands out views of it,
 * cached by length, that stay valid until its next `read`. The validator verifies synchronously right
 * after reading, or takes a copy ({@link ownJws}) before it waits for a key or a batch.
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import { type JwsHeader, notCanonicalBase64Url, splitCompactJws } from "./jws-verify.js";

/** A token read into a {@link JwsReader}'s buffer: valid until the reader's next `read`. */
export interface ScratchJws {
  /** The protected header (the shared, frozen one from the header cache: read it, never change it). */
  header: Readonly<JwsHeader>;
  /** The payload's JSON text (its own string: it outlives the next read). */
  payloadText: string;
  /** `BASE64URL(header) || "." || BASE64URL(payload)`, a view of the reader's buffer. */
  signingInput: Buffer;
  /** The decoded signature, a view of the reader's buffer. */
  signature: Buffer;
}

/** Reads tokens into one reused buffer. @example const reader = createJwsReader(8192); const jws = reader.read(token, ["RS256"]); */
export interface JwsReader {
  /** Checks and decodes `token` exactly as `parseCompactJws` does (same codes, same order). */
  read(token: string, algorithms: readonly string[]): ScratchJws;
}

/** The 6-bit value of each base64url character (RFC 4648 §5), -1 for every other code below 128. */
const BASE64URL_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].entries()) {
  BASE64URL_VALUE[c.charCodeAt(0)] = i;
}

/**
 * Whether `segment`, which Node's base64url decoder turned into `written` bytes, is the one canonical
 * base64url spelling of them: decodeBase64Url's rule (decode, re-encode, compare) without building the
 * re-encoded string. For an ASCII segment (the caller checks that: Node's decoder reads a character above
 * U+00FF as its low byte, which nothing below would see). Node's decoder skips characters outside its
 * alphabet (padding, whitespace), and every skipped character lowers the byte count below ⌊3n/4⌋ (for the
 * lengths that are possible at all: n mod 4 ≠ 1); it also reads `+` and `/` (standard alphabet) as `-`
 * and `_`, which the count cannot see, so the caller looks for those directly (once over both segments).
 * The last character's unused bits must be zero. jws-scratch.test.ts checks the two rules agree on every
 * short string over an alphabet of all these cases.
 */
function isCanonicalBase64Url(segment: string, written: number): boolean {
  const n = segment.length;
  const rest = n & 3;
  if (rest === 1 || written !== (n * 3) >> 2) return false;
  if (rest === 0) return true;
  const last = BASE64URL_VALUE[segment.charCodeAt(n - 1)] ?? -1;
  return last >= 0 && (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Node's own per-encoding Buffer methods, which `write`/`toString` call after normalising their arguments
 * (about 0.1 µs a call on a miss). Not in Node's documentation, so each is used only where present, with
 * the documented call as the fallback; the offsets passed are always in range (checked by the reader).
 */
interface NodeBufferOps {
  base64urlWrite?(text: string, offset: number, length: number): number;
  utf8Write?(text: string, offset: number, length: number): number;
  utf8Slice?(start: number, end: number): string;
}
const ops = Buffer.prototype as NodeBufferOps;
/** Whether this runtime's Buffer has all three (Node does; the reader falls back to `write`/`toString` elsewhere). */
export const DIRECT_BUFFER_OPS =
  typeof ops.base64urlWrite === "function" &&
  typeof ops.utf8Write === "function" &&
  typeof ops.utf8Slice === "function";

/** At most this many cached views per region (token lengths from one IdP take a handful of values). */
const MAX_VIEWS = 64;

/**
 * A reader for tokens of at most `maxBytes` characters. Its buffer (4 × `maxBytes`) is allocated at the
 * first read: the token's UTF-8 bytes at 0 (room for three bytes a character, so any token fits whole), the
 * signature at 3 × `maxBytes` and the payload right after it (the two decoded segments take at most ¾ of
 * their characters, so they fit).
 *
 * @example
 * const reader = createJwsReader(8192);
 * const jws = reader.read(token, ["RS256"]);
 * verifyJwsSignature("RS256", key, jws.signingInput, jws.signature);
 */
export function createJwsReader(
  maxBytes: number,
  /** Use Node's per-encoding methods (tests pass false to run the fallback). */
  direct = DIRECT_BUFFER_OPS,
): JwsReader {
  let buffer: Buffer | undefined;
  const tokenRoom = 3 * maxBytes;
  const signatureAt = tokenRoom;
  const size = tokenRoom + maxBytes + 4;
  const inputView = regionViews(0);
  const signatureView = regionViews(signatureAt);
  const opts = { maxBytes, algorithms: [] as readonly string[] };
  return {
    read(token, algorithms) {
      opts.algorithms = algorithms;
      const { header, first, second } = splitCompactJws(token, opts);
      buffer ??= Buffer.allocUnsafeSlow(size);
      const b = buffer;
      const fast = b as Buffer & Required<NodeBufferOps>;
      // decodeBase64Url's rule: the encoder's one canonical spelling, or nothing. First: every character ASCII.
      // The token is written whole as UTF-8 (never cut: a UTF-16 unit takes at most three bytes, and the room
      // holds three a character), so it wrote one byte a character exactly when none is above U+007F; then
      // those bytes are the token's own, and its first `second` are the signing input. One native pass that
      // also copies the signing input, where a separate count (Buffer.byteLength) and a Latin-1 copy were two.
      const written = direct ? fast.utf8Write(token, 0, tokenRoom) : b.write(token, 0, tokenRoom, "utf8");
      if (written !== token.length) throw notCanonicalBase64Url();
      // Payload first, then signature, as parseCompactJws decodes them (the same error for the same token).
      const payloadB64 = token.slice(first + 1, second);
      const signatureB64 = token.slice(second + 1);
      const signatureLength = direct
        ? fast.base64urlWrite(signatureB64, signatureAt, maxBytes)
        : b.write(signatureB64, signatureAt, maxBytes, "base64url");
      const payloadAt = signatureAt + signatureLength;
      const payloadRoom = size - payloadAt;
      const payloadLength = direct
        ? fast.base64urlWrite(payloadB64, payloadAt, payloadRoom)
        : b.write(payloadB64, payloadAt, payloadRoom, "base64url");
      // Node's decoder reads `+` and `/` (standard alphabet) as `-` and `_`; the count below cannot see them,
      // so they are looked for directly, once over both segments (the header passed the strict rule).
      if (token.indexOf("+", first + 1) !== -1 || token.indexOf("/", first + 1) !== -1) throw notCanonicalBase64Url();
      if (!isCanonicalBase64Url(payloadB64, payloadLength)) throw notCanonicalBase64Url();
      if (!isCanonicalBase64Url(signatureB64, signatureLength)) throw notCanonicalBase64Url();
      if (signatureLength === 0) throw new EnforcerError(ReasonCode.SignatureInvalid, "signature is missing");
      const payloadText = direct
        ? fast.utf8Slice(payloadAt, payloadAt + payloadLength)
        : b.toString("utf8", payloadAt, payloadAt + payloadLength);
      return {
        header,
        payloadText,
        signingInput: inputView(b, second),
        signature: signatureView(b, signatureLength),
      };
    },
  };
}

/**
 * Views of one region of the reader's buffer (which is never replaced), by length: the last one first (a
 * run of tokens from one IdP mostly keeps its lengths), then at most {@link MAX_VIEWS} in a map.
 */
function regionViews(start: number): (into: Buffer, length: number) => Buffer {
  const views = new Map<number, Buffer>();
  let last: Buffer | undefined;
  return (into, length) => {
    if (last !== undefined && last.length === length) return last;
    let v = views.get(length);
    if (v === undefined) {
      if (views.size >= MAX_VIEWS) views.clear();
      v = into.subarray(start, start + length);
      views.set(length, v);
    }
    last = v;
    return v;
  };
}

/**
 * A copy of a scratch read that owns its bytes (for a check that runs after the reader's next read).
 *
 * @example const owned = ownJws(reader.read(token, ["RS256"]));
 */
export function ownJws(jws: ScratchJws): ScratchJws {
  return { ...jws, signingInput: Buffer.from(jws.signingInput), signature: Buffer.from(jws.signature) };
}
