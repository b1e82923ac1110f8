import "server-only";
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { decryptSecret, encryptSecret } from "../crypto";
import { type Db, db, type Tx } from "../db";
import { env, isPostgres } from "../env";
import type { RequestContext } from "../request-context";

/**
 * The control plane's config signing key (ES256, RFC 7518 §3.4). Generated on first use; the
 * private JWK is stored encrypted (AES-256-GCM, the key id as associated data). Rotation makes a
 * new key active and retires the old one, which stays in the public JWKS for RETIRED_KEY_GRACE_MS
 * (and for as long as it signed some resource's latest version), so enforcers keep verifying
 * bundles and caches signed before the rotation.
 */
export const CONFIG_SIGNING_ALG = "ES256";
export const RETIRED_KEY_GRACE_MS = 30 * 24 * 3600 * 1000;

/** When a key created at `createdAt` ends its crypto-period (CONFIG_SIGNING_KEY_LIFETIME_DAYS). */
export function signingKeyExpiresAt(createdAt: Date): Date {
  return new Date(createdAt.getTime() + env().CONFIG_SIGNING_KEY_LIFETIME_DAYS * 86_400_000);
}

export interface ActiveSigningKey {
  kid: string;
  privateKey: CryptoKey;
}

// Imported keys by kid: decryption and import happen once per process and key, not per publish.
const imported = new Map<string, Promise<CryptoKey>>();

async function createKey(client: Tx): Promise<{ kid: string; privateJwkEnc: string }> {
  const { publicKey, privateKey } = await generateKeyPair(CONFIG_SIGNING_ALG, { extractable: true });
  const kid = `pcl-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: CONFIG_SIGNING_ALG, use: "sig" };
  const privateJwkEnc = encryptSecret(JSON.stringify(await exportJWK(privateKey)), kid);
  await client.signingKey.create({
    data: { kid, alg: CONFIG_SIGNING_ALG, publicJwk: JSON.stringify(publicJwk), privateJwkEnc, status: "active" },
  });
  return { kid, privateJwkEnc };
}

// Replicas starting together must not each create a key: serialize on PostgreSQL; SQLite has one writer.
export async function lockSigningKeys(tx: Tx): Promise<void> {
  if (isPostgres()) await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(727350102)");
}

const newestActive = {
  where: { status: "active" },
  orderBy: [{ createdAt: "desc" as const }, { kid: "desc" as const }],
};

/**
 * The key to sign with now (created on first use; rotated, audited as the system, once its crypto-period
 * has ended: nothing is signed with an expired key). Read per call, so a rotation in another replica
 * takes effect.
 */
export async function getActiveSigningKey(now = new Date()): Promise<ActiveSigningKey> {
  const select = { kid: true, privateJwkEnc: true, createdAt: true };
  let row = await db().signingKey.findFirst({ ...newestActive, select });
  if (!row || signingKeyExpiresAt(row.createdAt) <= now) {
    row = await db().$transaction(async (tx) => {
      await lockSigningKeys(tx);
      const again = await tx.signingKey.findFirst({ ...newestActive, select });
      if (again && signingKeyExpiresAt(again.createdAt) > now) return again;
      if (!again) return { ...(await createKey(tx)), createdAt: now };
      return {
        ...(await rotateIn(tx, SYSTEM, { reason: "expired", expiredAt: signingKeyExpiresAt(again.createdAt) })),
        createdAt: now,
      };
    });
  }
  return importActive(row);
}

const SYSTEM = { id: null, email: "system" };

async function importActive({ kid, privateJwkEnc }: { kid: string; privateJwkEnc: string }): Promise<ActiveSigningKey> {
  let key = imported.get(kid);
  if (!key) {
    key = importJWK(JSON.parse(decryptSecret(privateJwkEnc, kid)) as JWK, CONFIG_SIGNING_ALG) as Promise<CryptoKey>;
    imported.set(kid, key);
    key.catch(() => imported.delete(kid));
  }
  return { kid, privateKey: await key };
}

/**
 * The active key read (or created) inside the caller's transaction: for signing what that
 * transaction writes (the audit checkpoint). The caller must already hold the key lock on PostgreSQL
 * (lockSigningKeys), taken before any other lock, so key creation and rotation cannot deadlock with it.
 */
export async function activeSigningKeyIn(tx: Tx): Promise<ActiveSigningKey> {
  const row = await tx.signingKey.findFirst({ ...newestActive, select: { kid: true, privateJwkEnc: true } });
  return importActive(row ?? (await createKey(tx)));
}

/** The public key of `kid`, derived from its encrypted private JWK: a row edited in the database cannot swap it. */
export async function trustedPublicKey(client: Tx | Db, kid: string): Promise<CryptoKey | null> {
  const row = await client.signingKey.findUnique({ where: { kid }, select: { privateJwkEnc: true } });
  if (!row) return null;
  const { d: _private, ...publicJwk } = JSON.parse(decryptSecret(row.privateJwkEnc, kid)) as JWK;
  return (await importJWK(publicJwk, CONFIG_SIGNING_ALG)) as CryptoKey;
}

export interface SigningKeyDto {
  kid: string;
  alg: string;
  status: string;
  createdAt: string;
  /** The end of its crypto-period; an active key is rotated at the first publish after it. */
  expiresAt: string;
  retiredAt: string | null;
}

function toDto(r: {
  kid: string;
  alg: string;
  status: string;
  createdAt: Date;
  retiredAt: Date | null;
}): SigningKeyDto {
  return {
    ...r,
    createdAt: r.createdAt.toISOString(),
    expiresAt: signingKeyExpiresAt(r.createdAt).toISOString(),
    retiredAt: r.retiredAt?.toISOString() ?? null,
  };
}

export async function listSigningKeys(): Promise<SigningKeyDto[]> {
  const rows = await db().signingKey.findMany({
    orderBy: { createdAt: "desc" },
    select: { kid: true, alg: true, status: true, createdAt: true, retiredAt: true },
  });
  return rows.map(toDto);
}

/** Rotate: a new active key; every previously active key retired (still published during the grace period). */
export async function rotateSigningKey(actor: Actor, ctx: RequestContext): Promise<SigningKeyDto> {
  return db().$transaction(async (tx) => {
    await lockSigningKeys(tx);
    const { kid } = await rotateIn(tx, actor, {}, ctx);
    const row = await tx.signingKey.findUniqueOrThrow({
      where: { kid },
      select: { kid: true, alg: true, status: true, createdAt: true, retiredAt: true },
    });
    return toDto(row);
  });
}

/** Retires every active key and creates the new one, audited; the caller holds the key lock. */
async function rotateIn(
  tx: Tx,
  actor: Actor | typeof SYSTEM,
  why: Record<string, unknown>,
  ctx?: RequestContext,
): Promise<{ kid: string; privateJwkEnc: string }> {
  const previous = await tx.signingKey.findMany({ where: { status: "active" }, select: { kid: true } });
  await tx.signingKey.updateMany({ where: { status: "active" }, data: { status: "retired", retiredAt: new Date() } });
  const created = await createKey(tx);
  await writeAudit(tx, {
    actor,
    action: "signing_key.rotated",
    targetType: "signing_key",
    targetId: created.kid,
    before: { activeKids: previous.map((p) => p.kid) },
    after: { kid: created.kid, alg: CONFIG_SIGNING_ALG, ...why },
    ctx,
  });
  return created;
}

/**
 * The public JWKS (RFC 7517 §5): active keys, keys retired within the grace period, and any key
 * that signed a resource's latest version (an enforcer restarting from its cache must still verify it).
 */
export async function publicJwks(): Promise<{ keys: JWK[] }> {
  // Make sure a key exists, so an enforcer can pin the JWKS before the first publish.
  await getActiveSigningKey();
  const latest = await db().configVersion.findMany({
    distinct: ["resourceId"],
    orderBy: [{ resourceId: "asc" }, { version: "desc" }],
    select: { kid: true },
  });
  const rows = await db().signingKey.findMany({
    where: {
      OR: [
        { status: "active" },
        { retiredAt: { gt: new Date(Date.now() - RETIRED_KEY_GRACE_MS) } },
        { kid: { in: [...new Set(latest.map((l) => l.kid))] } },
      ],
    },
    orderBy: [{ createdAt: "desc" }, { kid: "desc" }],
    select: { publicJwk: true },
  });
  return { keys: rows.map((r) => JSON.parse(r.publicJwk) as JWK) };
}
