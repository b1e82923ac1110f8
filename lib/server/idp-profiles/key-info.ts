import "server-only";
import type { TestedKey } from "./types";

/** Curve sizes (RFC 7518 §6.2.1.1, RFC 8037 §2). P-521 is 521 bits, not 512. */
const CURVE_BITS: Record<string, number> = {
  "P-256": 256,
  "P-384": 384,
  "P-521": 521,
  secp256k1: 256,
  Ed25519: 256,
  Ed448: 456,
  X25519: 256,
  X448: 448,
};

/** Summarize one JWK of a JWKS for display: never the key material itself. */
export function describeJwk(jwk: unknown): TestedKey {
  const k = (jwk ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  const kty = str(k.kty) ?? "unknown";
  const crv = str(k.crv);
  let bits: number | null = null;
  if (kty === "RSA" && typeof k.n === "string") bits = rsaModulusBits(k.n);
  else if ((kty === "EC" || kty === "OKP") && crv) bits = CURVE_BITS[crv] ?? null;
  return { kid: str(k.kid), kty, alg: str(k.alg), use: str(k.use), bits, crv };
}

/** Bit length of a base64url big-endian modulus (RFC 7518 §6.3.1.1), ignoring leading zero bits. */
export function rsaModulusBits(n: string): number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(n)) return null;
  const bytes = Buffer.from(n, "base64url");
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const first = bytes[i];
  if (first === undefined) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first));
}
