import "server-only";
import type { AuditFilterInput } from "@/lib/schemas/audit";
import { auditWhere, changesOf, targetNames } from "./audit-query";
import { db } from "./db";
import { csvLine } from "./telemetry/csv";

/**
 * Audit export (issue 13 #10): the filtered trail, oldest first, every row with exactly the fields its
 * chain hash covers (the stored before/after JSON strings, byte for byte), its prevHash, hash and
 * hashAlg, so `npm run audit:verify -- --file <export>` recomputes each hash offline and checks the
 * links between consecutive rows. `targetName` and `changes` are conveniences for the reader, outside
 * the hash.
 */
export const MAX_AUDIT_EXPORT_ROWS = 100_000;
const PAGE = 1000;

/** The columns of both formats, in order (CSV header = these names). */
export const AUDIT_EXPORT_COLUMNS = [
  "seq",
  "at",
  "actorId",
  "actorEmail",
  "action",
  "targetType",
  "targetId",
  "targetName",
  "before",
  "after",
  "requestId",
  "ip",
  "apiTokenId",
  "prevHash",
  "hash",
  "hashAlg",
  "changes",
] as const;
export type AuditExportRow = Record<(typeof AUDIT_EXPORT_COLUMNS)[number], string | number | null>;

type StoredRow = Awaited<ReturnType<ReturnType<typeof db>["auditEvent"]["findMany"]>>[number];

function toExportRow(r: StoredRow, names: Map<string, string>): AuditExportRow {
  // apiTokenId joins the hashed fields when the API-token work lands; exported whenever the column exists.
  const apiTokenId = (r as { apiTokenId?: string | null }).apiTokenId ?? null;
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorEmail: r.actorEmail,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    targetName: r.targetId ? (names.get(`${r.targetType}:${r.targetId}`) ?? null) : null,
    before: r.before,
    after: r.after,
    requestId: r.requestId,
    ip: r.ip,
    apiTokenId,
    prevHash: r.prevHash,
    hash: r.hash,
    hashAlg: r.hashAlg,
    changes: JSON.stringify(changesOf(r.before, r.after)),
  };
}

export function formatExportRow(row: AuditExportRow, format: "csv" | "jsonl"): string {
  if (format === "jsonl") return `${JSON.stringify(row)}\n`;
  return csvLine(AUDIT_EXPORT_COLUMNS.map((c) => row[c]));
}

/** A stream of the filtered trail in `format`, at most `maxRows` rows (oldest first). */
export function exportAuditTrail(
  filter: AuditFilterInput,
  format: "csv" | "jsonl",
  maxRows = MAX_AUDIT_EXPORT_ROWS,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const where = auditWhere({ ...filter, before: undefined });
  let after = 0;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(csvLine([...AUDIT_EXPORT_COLUMNS])));
    },
    async pull(controller) {
      const take = Math.min(PAGE, maxRows - sent);
      const rows =
        take > 0
          ? await db().auditEvent.findMany({
              where: { AND: [where, { seq: { gt: after } }] },
              orderBy: { seq: "asc" },
              take,
            })
          : [];
      if (rows.length === 0) {
        controller.close();
        return;
      }
      const names = await targetNames(rows);
      controller.enqueue(encoder.encode(rows.map((r) => formatExportRow(toExportRow(r, names), format)).join("")));
      sent += rows.length;
      after = rows[rows.length - 1]?.seq ?? after;
    },
  });
}
