import "server-only";
import { createHash } from "node:crypto";
import { auditChainKey, KEYED_ALG, keyedHash, LEGACY_ALG, readCheckpoint, writeCheckpoint } from "./audit-anchor";
import { redactForAudit } from "./audit-redact";
import { lockSigningKeys } from "./config/signing-key";
import { type Db, db, type Tx } from "./db";
import { isPostgres } from "./env";
import type { RequestContext } from "./request-context";

/**
 * Append-only, tamper-evident audit trail. Each row's hash covers its content and the
 * previous row's hash, so editing or deleting any row breaks every link after it; the hash is
 * keyed and the head is anchored in a signed checkpoint (audit-anchor.ts), so cutting the tail or
 * recomputing the chain is detected too. Rows are written inside the same transaction as the
 * mutation they describe.
 */
export { auditChanges, isSecretKey, redactForAudit } from "./audit-redact";
export const GENESIS_HASH = "0".repeat(64);

export interface AuditActor {
  id: string | null;
  email: string;
}
export interface AuditInput {
  actor: AuditActor;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  ctx?: RequestContext | null;
}

const toJson = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(redactForAudit(v)));

interface HashedFields {
  at: Date;
  actorId: string | null;
  actorEmail: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: string | null;
  after: string | null;
  requestId: string | null;
  ip: string | null;
  /** The API token the actor used (issue 14); null for a session. */
  apiTokenId?: string | null;
}

/** The bytes a row's hash covers. */
export function canonicalRow(prevHash: string, f: HashedFields): string {
  return JSON.stringify([
    prevHash,
    f.at.toISOString(),
    f.actorId,
    f.actorEmail,
    f.action,
    f.targetType,
    f.targetId,
    f.before,
    f.after,
    f.requestId,
    f.ip,
    // Only when set: rows written before tokens existed (and session rows) hash exactly as before.
    ...(f.apiTokenId ? [f.apiTokenId] : []),
  ]);
}

/** The legacy, unkeyed row hash (rows written before the chain was keyed; development without a key). */
export function auditRowHash(prevHash: string, f: HashedFields): string {
  return createHash("sha256").update(canonicalRow(prevHash, f)).digest("hex");
}

function rowHash(alg: string, key: Buffer | null, prevHash: string, f: HashedFields): string | null {
  if (alg === LEGACY_ALG) return auditRowHash(prevHash, f);
  if (alg === KEYED_ALG && key) return keyedHash(key, canonicalRow(prevHash, f));
  return null;
}

export async function writeAudit(tx: Tx, input: AuditInput): Promise<void> {
  const key = auditChainKey();
  // Serialize chain appends: PostgreSQL transactions could otherwise both read the same tail. The
  // signing-key lock comes first, as in every transaction that takes both (no deadlock with a
  // rotation). SQLite already has a single writer.
  if (isPostgres()) {
    if (key) await lockSigningKeys(tx);
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(727350101)");
  }
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields: HashedFields = {
    at: new Date(),
    actorId: input.actor.id,
    actorEmail: input.actor.email,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    before: toJson(input.before),
    after: toJson(input.after),
    requestId: input.ctx?.requestId ?? null,
    ip: input.ctx?.ip ?? null,
    apiTokenId: input.ctx?.apiTokenId ?? null,
  };
  const hashAlg = key ? KEYED_ALG : LEGACY_ALG;
  const hash = rowHash(hashAlg, key, prevHash, fields) ?? "";
  const row = await tx.auditEvent.create({ data: { ...fields, prevHash, hash, hashAlg }, select: { seq: true } });
  // Without the key (development only) the chain is neither keyed nor anchored; audit:verify says so.
  if (key) await writeCheckpoint(tx, { seq: row.seq, hash });
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
  /** The signed checkpoint the chain's head and length were checked against, when there is one. */
  anchor?: { seq: number; count: number; at: string } | null;
  /** Rows written before the chain was keyed (plain SHA-256). */
  legacyRows?: number;
}

/**
 * Walk the chain in order; report the first row whose link or content does not verify, then check
 * the head and the count against the signed checkpoint: a deleted tail or a chain recomputed without
 * the key does not verify.
 */
export async function verifyAuditChain(client: Db = db()): Promise<ChainReport> {
  const key = auditChainKey();
  let prevHash = GENESIS_HASH;
  let cursor = 0;
  let checked = 0;
  let legacyRows = 0;
  let keyedSeen = false;
  const broken = (seq: number, reason: string): ChainReport => ({
    ok: false,
    checked,
    firstBroken: { seq, reason },
    legacyRows,
  });
  for (;;) {
    const rows = await client.auditEvent.findMany({
      where: { seq: { gt: cursor } },
      orderBy: { seq: "asc" },
      take: 1000,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return broken(row.seq, "link to the previous row is broken (a row was removed, inserted or reordered)");
      }
      if (row.hashAlg === LEGACY_ALG && keyedSeen) {
        return broken(row.seq, "an unkeyed row after keyed ones (the chain was rewritten without the key)");
      }
      if (row.hashAlg === KEYED_ALG && !key) {
        return broken(row.seq, "cannot verify keyed rows without PORTCULLIS_ENCRYPTION_KEY");
      }
      if (rowHash(row.hashAlg, key, prevHash, row) !== row.hash) {
        return broken(row.seq, "row content does not match its hash (the row was edited)");
      }
      if (row.hashAlg === KEYED_ALG) keyedSeen = true;
      else legacyRows++;
      prevHash = row.hash;
      cursor = row.seq;
      checked++;
    }
  }
  if (!key) return { ok: true, checked, anchor: null, legacyRows };
  const checkpoint = await readCheckpoint(client);
  if ("missing" in checkpoint) {
    if (checked === 0) return { ok: true, checked, anchor: null, legacyRows };
    // A chain of legacy rows only is anchored at the first start after the upgrade (ensureAuditAnchor).
    return broken(cursor, "the signed checkpoint is missing (the chain's head and length cannot be confirmed)");
  }
  if ("invalid" in checkpoint) return broken(cursor, `the checkpoint is not trustworthy: ${checkpoint.invalid}`);
  const { claims } = checkpoint;
  if (checked < claims.count || cursor < claims.seq) {
    return broken(
      claims.seq,
      `${claims.count - checked} row(s) at the tail are missing: the signed checkpoint names event #${claims.seq} as the head of ${claims.count}`,
    );
  }
  if (cursor !== claims.seq || checked !== claims.count || prevHash !== claims.head) {
    return broken(cursor, "the chain does not end where the signed checkpoint says (rows appended or recomputed)");
  }
  return { ok: true, checked, anchor: { seq: claims.seq, count: claims.count, at: claims.at }, legacyRows };
}

/**
 * At start-up: a chain written before it was keyed has no checkpoint yet; anchor it once with an
 * audited `audit.anchored` row (keyed, so the legacy rows before it can no longer be recomputed).
 * A chain that already has keyed rows is never re-anchored here: its missing checkpoint is a finding.
 */
export async function ensureAuditAnchor(): Promise<void> {
  if (!auditChainKey()) return;
  const client = db();
  if (await client.auditCheckpoint.findUnique({ where: { id: 1 }, select: { id: true } })) return;
  if ((await client.auditEvent.count({ where: { hashAlg: KEYED_ALG } })) > 0) return;
  const rows = await client.auditEvent.count();
  if (rows === 0) return;
  await client.$transaction((tx) =>
    writeAudit(tx, {
      actor: { id: null, email: "system" },
      action: "audit.anchored",
      targetType: "audit",
      after: { legacyRows: rows },
    }),
  );
}
