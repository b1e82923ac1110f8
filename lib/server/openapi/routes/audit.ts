import "server-only";
import { z } from "zod";
import { AuditApiQuery, AuditExportQuery } from "@/lib/schemas/audit";
import { DiffEntry } from "../dto";
import { defineFamily, op } from "../registry";

const AuditEvent = z.looseObject({
  seq: z.number().int(),
  at: z.string(),
  actorEmail: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  /** The target's current name (resource, IdP profile, admin, credential, alert rule or channel), when it still exists. */
  targetName: z.string().nullable(),
  /** The stored JSON (secrets redacted when written); draft edits store `{"changes": [...]}` in `after`. */
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** Field-level changes (path, kind, before, after). */
  changes: z.array(DiffEntry),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});

export const auditFamily = defineFamily("Audit", "The audit trail: read and export.", [
  op({
    method: "get",
    path: "/api/v1/audit",
    summary: "The audit trail, newest first (keyset pagination by before)",
    permission: "audit.read",
    query: AuditApiQuery,
    responses: {
      200: {
        description: "A page of events",
        schema: z.object({ events: z.array(AuditEvent), nextBefore: z.number().int().nullable() }),
      },
    },
  }),
  op({
    method: "get",
    path: "/api/v1/audit/export",
    summary: "The filtered audit trail as CSV or JSON Lines, oldest first, with chain hashes",
    permission: "audit.read",
    query: AuditExportQuery,
    responses: { 200: { description: "CSV or JSON Lines (per format)", contentType: "application/jsonl" } },
  }),
]);
