import "server-only";
import { createHash } from "node:crypto";
import { CompactSign } from "jose";
import type { ConfigBundle } from "@/lib/enforcer/policy";
import { type ActiveSigningKey, CONFIG_SIGNING_ALG } from "./signing-key";

/** JWS `typ` of a config bundle (RFC 7515 §4.1.9; explicit typing per RFC 8725 §3.11). */
export const CONFIG_JWS_TYP = "portcullis-config+jwt";

export interface SignedBundle {
  jws: string;
  kid: string;
  etag: string;
}

/** A strong ETag (RFC 9110 §8.8.3) naming the version and the exact signed bytes. */
export function etagFor(version: number, jws: string): string {
  return `"v${version}-${createHash("sha256").update(jws).digest("hex").slice(0, 16)}"`;
}

/** Sign the bundle JSON as a compact JWS with the given control-plane key (pure crypto, no I/O). */
export async function signBundle(bundle: ConfigBundle, key: ActiveSigningKey): Promise<SignedBundle> {
  const { kid, privateKey } = key;
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(bundle)))
    .setProtectedHeader({ alg: CONFIG_SIGNING_ALG, kid, typ: CONFIG_JWS_TYP })
    .sign(privateKey);
  return { jws, kid, etag: etagFor(bundle.version, jws) };
}
