import "server-only";
import type { AuditFilterInput } from "@/lib/schemas/audit";
import { db } from "./db";

export interface AuditEventDto {
  seq: number;
  at: string;
  actorEmail: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: string | null;
  after: string | null;
  requestId: string | null;
  ip: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, keyset-paginated by seq (`before`), filtered. */
export async function listAuditEvents(
  filter: AuditFilterInput,
): Promise<{ events: AuditEventDto[]; nextBefore: number | null }> {
  const at: { gte?: Date; lt?: Date } = {};
  if (filter.from) at.gte = new Date(`${filter.from}T00:00:00Z`);
  if (filter.to) at.lt = new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000);
  const rows = await db().auditEvent.findMany({
    where: {
      ...(filter.action ? { action: { startsWith: filter.action } } : {}),
      ...(filter.actor ? { actorEmail: { contains: filter.actor.toLowerCase() } } : {}),
      ...(filter.targetType ? { targetType: filter.targetType } : {}),
      ...(filter.before ? { seq: { lt: filter.before } } : {}),
      ...(at.gte || at.lt ? { at } : {}),
    },
    orderBy: { seq: "desc" },
    take: AUDIT_PAGE_SIZE + 1,
    select: {
      seq: true,
      at: true,
      actorEmail: true,
      action: true,
      targetType: true,
      targetId: true,
      before: true,
      after: true,
      requestId: true,
      ip: true,
    },
  });
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return {
    events: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? (page[page.length - 1]?.seq ?? null) : null,
  };
}

export async function listAuditActions(): Promise<string[]> {
  const rows = await db().auditEvent.findMany({
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
  return rows.map((r) => r.action);
}
