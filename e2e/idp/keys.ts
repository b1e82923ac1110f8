import { KeyObject, sign } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from "jose";
import { ExternalSigningKey } from "oidc-provider";

export type KeyAlg = "RS256" | "ES256";

interface SigningKey {
  kid: string;
  publicJwk: JWK;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

async function generateSigningKey(alg: KeyAlg): Promise<SigningKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  // RFC 7638 thumbprint as kid: unique per key, stable across exports.
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg, use: "sig" },
    privateKey: KeyObject.from(pair.privateKey),
    publicKey: KeyObject.from(pair.publicKey),
  };
}

/**
 * The IdP's signing keys. Index 0 is the current signing key; older keys stay published
 * (after it) until `dropOld()`, the way real IdPs overlap keys during rotation.
 */
export class KeyRing {
  private keys: SigningKey[];

  private constructor(
    readonly alg: KeyAlg,
    first: SigningKey,
  ) {
    this.keys = [first];
  }

  static async create(alg: KeyAlg): Promise<KeyRing> {
    return new KeyRing(alg, await generateSigningKey(alg));
  }

  get current(): SigningKey {
    const [key] = this.keys;
    if (!key) throw new Error("key ring is empty");
    return key;
  }

  async rotate(): Promise<void> {
    this.keys = [await generateSigningKey(this.alg), ...this.keys];
  }

  dropOld(): void {
    this.keys = [this.current];
  }

  publicJwks(): JSONWebKeySet {
    return { keys: this.keys.map((key) => ({ ...key.publicJwk })) };
  }

  /** Raw JWS signature over `data` with the current key (ES256 in IEEE P1363 form, RFC 7518 §3.4). */
  signBytes(data: Uint8Array): Buffer {
    const key = this.current.privateKey;
    return this.alg === "ES256" ? sign("sha256", data, { key, dsaEncoding: "ieee-p1363" }) : sign("sha256", data, key);
  }

  /**
   * Compact JWS of exactly this header and payload, signed with the current key whatever the
   * header claims: attack tests need tokens whose `alg`/`kid` lie.
   */
  signCompact(header: Record<string, unknown>, payload: Record<string, unknown>): string {
    const encode = (part: Record<string, unknown>) => Buffer.from(JSON.stringify(part)).toString("base64url");
    const input = `${encode(header)}.${encode(payload)}`;
    return `${input}.${this.signBytes(Buffer.from(input)).toString("base64url")}`;
  }

  /** One provider key that always delegates to the ring's current key, so rotation needs no provider restart. */
  providerKey(): ExternalSigningKey {
    return new RingSigningKey(this);
  }
}

class RingSigningKey extends ExternalSigningKey {
  constructor(private readonly ring: KeyRing) {
    super();
  }

  override get kid(): string {
    return this.ring.current.kid;
  }

  override set kid(_value: string | undefined) {
    // The kid follows the ring; the provider's attempt to set one is ignored.
  }

  override get alg(): string {
    return this.ring.alg;
  }

  override set alg(_value: string | undefined) {}

  override get kty(): string {
    return String(this.ring.current.publicJwk.kty);
  }

  override get e(): string | undefined {
    return this.ring.current.publicJwk.e;
  }

  override get n(): string | undefined {
    return this.ring.current.publicJwk.n;
  }

  override get x(): string | undefined {
    return this.ring.current.publicJwk.x;
  }

  override get y(): string | undefined {
    return this.ring.current.publicJwk.y;
  }

  override get crv(): string | undefined {
    return this.ring.current.publicJwk.crv;
  }

  override keyObject(): KeyObject {
    return this.ring.current.publicKey;
  }

  override async sign(data: Uint8Array): Promise<Uint8Array> {
    return this.ring.signBytes(data);
  }
}
