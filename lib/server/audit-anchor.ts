import "server-only";
import { createHmac, hkdfSync } from "node:crypto";
import { CompactSign, compactVerify } from "jose";
import { activeSigningKeyIn, CONFIG_SIGNING_ALG, trustedPublicKey } from "./config/signing-key";
import { encryptionKey } from "./crypto";
import type { Db, Tx } from "./db";
import { env } from "./env";

/**
 * What makes the audit chain more than self-consistent (issue 10 #11). A plain SHA-256 chain can be
 * cut at the tail or recomputed from scratch by anyone who can write the database. So:
 * - each row's hash is an HMAC-SHA256 whose key is derived (HKDF) from PORTCULLIS_ENCRYPTION_KEY,
 *   which never sits in the database: recomputing the chain needs the key;
 * - every audit write also rewrites one checkpoint row: the head's seq and hash and the row count,
 *   signed (JWS, ES256) with the config signing key, whose private half is stored encrypted under the
 *   same key: deleting the tail leaves a checkpoint that names rows that are gone.
 * Rows written before the chain was keyed keep `hashAlg = sha256` and stay verifiable; the first
 * keyed row and the checkpoint cover them too (a recomputed prefix breaks the keyed rows' links).
 */
export const KEYED_ALG = "hmac-sha256";
export const LEGACY_ALG = "sha256";
export const CHECKPOINT_TYP = "portcullis-audit-checkpoint+jwt";

let chainKey: Buffer | undefined;

/** The chain's HMAC key, or null without PORTCULLIS_ENCRYPTION_KEY (development only: env.ts requires it in production). */
export function auditChainKey(): Buffer | null {
  if (!env().PORTCULLIS_ENCRYPTION_KEY) return null;
  chainKey ??= Buffer.from(hkdfSync("sha256", encryptionKey(), Buffer.alloc(0), "portcullis audit chain v1", 32));
  return chainKey;
}

export function keyedHash(key: Buffer, canonical: string): string {
  return createHmac("sha256", key).update(canonical).digest("hex");
}

export interface CheckpointClaims {
  seq: number;
  count: number;
  head: string;
  at: string;
}

/** In the audit row's transaction: the new head, signed. */
export async function writeCheckpoint(tx: Tx, head: { seq: number; hash: string }): Promise<void> {
  const previous = await tx.auditCheckpoint.findUnique({ where: { id: 1 }, select: { seq: true, count: true } });
  // Count incrementally when the checkpoint was the previous head (the normal case), else count once.
  const count =
    previous && previous.seq < head.seq && (await tx.auditEvent.count({ where: { seq: { gt: previous.seq } } })) === 1
      ? previous.count + 1
      : await tx.auditEvent.count();
  const claims: CheckpointClaims = { seq: head.seq, count, head: head.hash, at: new Date().toISOString() };
  const key = await activeSigningKeyIn(tx);
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: CONFIG_SIGNING_ALG, kid: key.kid, typ: CHECKPOINT_TYP })
    .sign(key.privateKey);
  const data = { seq: head.seq, count, headHash: head.hash, kid: key.kid, jws, at: new Date(claims.at) };
  await tx.auditCheckpoint.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
}

/** The checkpoint's claims when its signature verifies with the (encrypted, hence trusted) key; else why not. */
export async function readCheckpoint(
  client: Db,
): Promise<{ claims: CheckpointClaims } | { missing: true } | { invalid: string }> {
  const row = await client.auditCheckpoint.findUnique({ where: { id: 1 } });
  if (!row) return { missing: true };
  try {
    const key = await trustedPublicKey(client, row.kid);
    if (!key) return { invalid: `its signing key ${row.kid} is gone` };
    const { payload, protectedHeader } = await compactVerify(row.jws, key, { algorithms: [CONFIG_SIGNING_ALG] });
    if (protectedHeader.typ !== CHECKPOINT_TYP) return { invalid: "it is not an audit checkpoint" };
    return { claims: JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaims };
  } catch (err) {
    return { invalid: `its signature does not verify (${err instanceof Error ? err.message : "error"})` };
  }
}
