import "server-only";
import type { AuditFilterInput } from "@/lib/schemas/audit";
import type { DiffEntry } from "@/lib/schemas/config";
import { auditChanges } from "./audit-redact";
import { db } from "./db";

export interface AuditEventDto {
  seq: number;
  at: string;
  actorEmail: string;
  action: string;
  targetType: string;
  targetId: string | null;
  /** The target's current name (resource, IdP profile, admin, credential, alert rule or channel), when it still exists. */
  targetName: string | null;
  /** The stored JSON (secrets redacted when written): the row's full before and after. */
  before: string | null;
  after: string | null;
  /** Field-level changes: stored ones (`{"changes": [...]}` rows) or computed from before/after. */
  changes: DiffEntry[];
  requestId: string | null;
  ip: string | null;
  /** The admin API token the actor used (issue 14); null for a dashboard session. */
  apiTokenId: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** The Prisma `where` for a filter (shared by the page, the API and the export). */
export function auditWhere(filter: AuditFilterInput, beforeSeq?: number) {
  const at: { gte?: Date; lt?: Date } = {};
  if (filter.from) at.gte = new Date(`${filter.from}T00:00:00Z`);
  if (filter.to) at.lt = new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000);
  return {
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.actor ? { actorEmail: { contains: filter.actor.toLowerCase() } } : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(beforeSeq ? { seq: { lt: beforeSeq } } : {}),
    ...(at.gte || at.lt ? { at } : {}),
  };
}

const parse = (s: string | null): unknown => {
  if (s === null) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

/** A row's changes: the stored diff of draft edits, else before vs after (each already redacted when written). */
export function changesOf(before: string | null, after: string | null): DiffEntry[] {
  const a = parse(after);
  if (before === null && a && typeof a === "object" && Array.isArray((a as { changes?: unknown }).changes))
    return (a as { changes: DiffEntry[] }).changes;
  const b = parse(before);
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  // A creation or deletion reads as its fields added or removed, not one blob at the empty path.
  return auditChanges(b === undefined && isObj(a) ? {} : b, a === undefined && isObj(b) ? {} : a);
}

type Row = {
  seq: number;
  at: Date;
  actorEmail: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: string | null;
  after: string | null;
  requestId: string | null;
  ip: string | null;
  apiTokenId: string | null;
};

/** Current names of the targets on a page, one query per target type present. */
export async function targetNames(rows: readonly Pick<Row, "targetType" | "targetId">[]): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(rows.filter((r) => r.targetType === type && r.targetId).map((r) => r.targetId as string)),
  ];
  const names = new Map<string, string>();
  const add = (type: string, list: { id: string; name: string }[]) => {
    for (const r of list) names.set(`${type}:${r.id}`, r.name);
  };
  const c = db();
  const byId = (type: string) => ({ where: { id: { in: ids(type) } }, select: { id: true, name: true } });
  const lookups: Promise<void>[] = [];
  const run = (type: string, find: () => Promise<{ id: string; name: string }[]>) => {
    if (ids(type).length) lookups.push(find().then((list) => add(type, list)));
  };
  run("resource", () => c.mcpResource.findMany(byId("resource")));
  run("idp_profile", () => c.idpProfile.findMany(byId("idp_profile")));
  run("enforcer_credential", () => c.enforcerCredential.findMany(byId("enforcer_credential")));
  run("alert_rule", () => c.alertRule.findMany(byId("alert_rule")));
  run("alert_channel", () => c.alertChannel.findMany(byId("alert_channel")));
  run("admin", async () =>
    (
      await c.admin.findMany({ where: { id: { in: ids("admin") } }, select: { id: true, email: true, name: true } })
    ).map((a) => ({ id: a.id, name: a.name ? `${a.name} <${a.email}>` : a.email })),
  );
  await Promise.all(lookups);
  return names;
}

export function toAuditDto(r: Row, names: Map<string, string>): AuditEventDto {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actorEmail: r.actorEmail,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    targetName: r.targetId ? (names.get(`${r.targetType}:${r.targetId}`) ?? null) : null,
    before: r.before,
    after: r.after,
    changes: changesOf(r.before, r.after),
    requestId: r.requestId,
    ip: r.ip,
    apiTokenId: r.apiTokenId,
  };
}

/** Newest first, keyset-paginated by seq (`before`), filtered. */
export async function listAuditEvents(
  filter: AuditFilterInput,
  limit = AUDIT_PAGE_SIZE,
): Promise<{ events: AuditEventDto[]; nextBefore: number | null }> {
  const rows = await db().auditEvent.findMany({
    where: auditWhere(filter, filter.before),
    orderBy: { seq: "desc" },
    take: limit + 1,
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
      apiTokenId: true,
    },
  });
  const page = rows.slice(0, limit);
  const names = await targetNames(page);
  return {
    events: page.map((r) => toAuditDto(r, names)),
    nextBefore: rows.length > limit ? (page[page.length - 1]?.seq ?? null) : null,
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
