/**
 * Test helpers: local key pairs and a `createToken` that signs anything (including tokens a real IdP
 * would never issue), with `node:crypto` so malformed headers and signatures can be crafted.
 * Test-only; not exported from the package.
 */
import { createHmac, generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";

/** A signing key with its public JWK. */
export interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

/**
 * Generates a key for `alg` (RS*, PS*, ES*, EdDSA).
 *
 * @example
 * const key = createTestKey("RS256");
 */
export function createTestKey(alg = "RS256", kid: string = randomUUID()): TestKey {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (alg.startsWith("RS") || alg.startsWith("PS")) pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  else if (alg === "ES256") pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  else if (alg === "ES384") pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
  else if (alg === "ES512") pair = generateKeyPairSync("ec", { namedCurve: "P-521" });
  else if (alg === "EdDSA") pair = generateKeyPairSync("ed25519");
  else throw new Error(`unsupported ${alg}`);
  const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid, alg, use: "sig" };
  return { kid, alg, ...pair, jwk };
}

/** base64url of a string, Buffer or JSON value. @example b64url({ alg: "none" }) */
export function b64url(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString("base64url");
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

const HASH: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/**
 * Signs `header.payload` with `key` as `alg` says (RS/PS/ES/EdDSA), or HMAC with `hmacSecret`.
 *
 * @example
 * signJws({ alg: "RS256", kid: key.kid }, claims, key.privateKey)
 */
export function signJws(header: Record<string, unknown>, payload: unknown, key: KeyObject | Buffer): string {
  const input = `${b64url(header)}.${typeof payload === "string" ? b64url(payload) : b64url(payload)}`;
  const alg = String(header.alg);
  const hash = HASH[alg.slice(2)] ?? "sha256";
  let sig: Buffer;
  if (Buffer.isBuffer(key)) sig = createHmac(hash, key).update(input).digest();
  else if (alg.startsWith("RS")) sig = sign(hash, Buffer.from(input), key);
  else if (alg.startsWith("PS")) sig = sign(hash, Buffer.from(input), { key, padding: 6, saltLength: -1 });
  else if (alg.startsWith("ES")) sig = sign(hash, Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  else sig = sign(null, Buffer.from(input), key);
  return `${input}.${b64url(sig)}`;
}

/** Standard claims for tests, at `nowSec`. */
export interface TokenClaimsInput {
  iss: string;
  aud: string | string[];
  nowSec: number;
  [claim: string]: unknown;
}

/**
 * Creates a signed access token: `sub`, `iat`, `nbf`, `exp` (+15 min) and a `jti` by default,
 * overridable (set a claim to `undefined` to drop it).
 *
 * @example
 * const jwt = createToken(key, { iss, aud, nowSec, scope: "mcp:tools" });
 */
export function createToken(key: TestKey, claims: TokenClaimsInput, header: Record<string, unknown> = {}): string {
  const { nowSec, ...rest } = claims;
  const payload: Record<string, unknown> = {
    sub: "user-1",
    iat: nowSec,
    nbf: nowSec,
    exp: nowSec + 900,
    jti: randomUUID(),
    ...rest,
  };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const h: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: "JWT", ...header };
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  return signJws(h, payload, key.privateKey);
}
