import { z } from "zod";
import { BoundedIsoDate, IdCursor } from "./bounds";

export const AuditFilterInput = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(320).optional(),
  targetType: z.string().trim().max(50).optional(),
  targetId: z.string().trim().max(100).optional(),
  from: BoundedIsoDate.optional(),
  to: BoundedIsoDate.optional(),
  before: IdCursor.optional(),
});
export type AuditFilterInput = z.infer<typeof AuditFilterInput>;

/** GET /api/v1/audit: the page's filters plus a page size (keyset pagination by `before`). */
export const AuditApiQuery = AuditFilterInput.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditApiQuery = z.infer<typeof AuditApiQuery>;

/** Audit export formats: CSV for spreadsheets, JSON Lines for `npm run audit:verify -- --file`. */
export const AuditExportQuery = AuditFilterInput.omit({ before: true }).extend({
  format: z.enum(["csv", "jsonl"]).default("jsonl"),
});
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;
