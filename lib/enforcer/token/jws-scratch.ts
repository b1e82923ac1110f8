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

/** At most this many cached views per region (token lengths from one IdP take a handful of values). */
const MAX_VIEWS = 64;

/**
 * A reader for tokens of at most `maxBytes` characters. Its buffer (2 × `maxBytes`) is allocated at the
 * first read: the signing input at 0, the signature at `maxBytes`, the payload right after the signature
 * (the two decoded segments take at most ¾ of their characters, so they fit).
 *
 * @example
 * const reader = createJwsReader(8192);
 * const jws = reader.read(token, ["RS256"]);
 * verifyJwsSignature("RS256", key, jws.signingInput, jws.signature);
 */
export function createJwsReader(maxBytes: number): JwsReader {
  let buffer: Buffer | undefined;
  const inputViews = new Map<number, Buffer>();
  const signatureViews = new Map<number, Buffer>();
  const view = (views: Map<number, Buffer>, start: number, length: number, into: Buffer): Buffer => {
    let v = views.get(length);
    if (v === undefined) {
      if (views.size >= MAX_VIEWS) views.clear();
      v = into.subarray(start, start + length);
      views.set(length, v);
    }
    return v;
  };
  const opts = { maxBytes, algorithms: [] as readonly string[] };
  return {
    read(token, algorithms) {
      opts.algorithms = algorithms;
      const { header, first, second } = splitCompactJws(token, opts);
      buffer ??= Buffer.allocUnsafeSlow(2 * maxBytes + 4);
      const b = buffer;
      // Payload first, then signature, as parseCompactJws decodes them (the same error for the same token).
      const payloadB64 = token.slice(first + 1, second);
      const signatureB64 = token.slice(second + 1);
      const signatureAt = maxBytes;
      const signatureLength = b.write(signatureB64, signatureAt, maxBytes, "base64url");
      const payloadAt = signatureAt + signatureLength;
      const payloadLength = b.write(payloadB64, payloadAt, 2 * maxBytes + 4 - payloadAt, "base64url");
      // decodeBase64Url's rule: the encoder's one canonical spelling, or nothing.
      if (b.toString("base64url", payloadAt, payloadAt + payloadLength) !== payloadB64) throw notCanonicalBase64Url();
      if (b.toString("base64url", signatureAt, payloadAt) !== signatureB64) throw notCanonicalBase64Url();
      if (signatureLength === 0) throw new EnforcerError(ReasonCode.SignatureInvalid, "signature is missing");
      const payloadText = b.toString("utf8", payloadAt, payloadAt + payloadLength);
      // Both segments are now known to be pure base64url (ASCII), and the header's text is the one it was
      // decoded from, so the Latin-1 write is the token's exact bytes.
      b.write(token, 0, second, "latin1");
      return {
        header,
        payloadText,
        signingInput: view(inputViews, 0, second, b),
        signature: view(signatureViews, signatureAt, signatureLength, b),
      };
    },
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
