import "server-only";
import { createHash } from "node:crypto";
import { type Db, db, type Tx } from "./db";
import { isPostgres } from "./env";
import type { RequestContext } from "./request-context";

/**
 * Append-only, tamper-evident audit trail. Each row's hash covers its content and the
 * previous row's hash, so editing or deleting any row breaks every link after it.
 * Rows are written inside the same transaction as the mutation they describe.
 */
export const GENESIS_HASH = "0".repeat(64);
const SECRET_KEYS = /hash|secret|password|private|token/i;

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

/** Drop secret-looking fields before they reach the trail (it is readable by viewers). */
export function redactForAudit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redactForAudit(v)]),
    );
  }
  return value;
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
}

export function auditRowHash(prevHash: string, f: HashedFields): string {
  const canonical = JSON.stringify([
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
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export async function writeAudit(tx: Tx, input: AuditInput): Promise<void> {
  // Serialize chain appends: PostgreSQL transactions could otherwise both read the same tail.
  // SQLite already has a single writer.
  if (isPostgres()) await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(727350101)");
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
  };
  await tx.auditEvent.create({ data: { ...fields, prevHash, hash: auditRowHash(prevHash, fields) } });
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

/** Walk the chain in order; report the first row whose link or content does not verify. */
export async function verifyAuditChain(client: Db = db()): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let cursor = 0;
  let checked = 0;
  for (;;) {
    const rows = await client.auditEvent.findMany({
      where: { seq: { gt: cursor } },
      orderBy: { seq: "asc" },
      take: 1000,
    });
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return {
          ok: false,
          checked,
          firstBroken: {
            seq: row.seq,
            reason: "link to the previous row is broken (a row was removed, inserted or reordered)",
          },
        };
      }
      if (auditRowHash(prevHash, row) !== row.hash) {
        return {
          ok: false,
          checked,
          firstBroken: { seq: row.seq, reason: "row content does not match its hash (the row was edited)" },
        };
      }
      prevHash = row.hash;
      cursor = row.seq;
      checked++;
    }
  }
}
