import "server-only";
import type { AlertListQuery } from "@/lib/schemas/alerts";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { type Db, db, type Tx } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { deliverDue } from "./deliver";
import { buildPayload, enqueueDeliveries } from "./notify";

/** Alerts as the API and the Alerts page see them; acknowledgement and manual resolution, audited. */
export interface AlertDto {
  id: string;
  state: string;
  severity: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  reason: string;
  windowMin: number;
  resourceId: string;
  resourceName: string | null;
  key: string;
  value: number;
  threshold: number;
  summary: string;
  flapping: boolean;
  startedAt: string;
  firedAt: string | null;
  ackAt: string | null;
  ackByEmail: string | null;
  ackNote: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}
export interface DeliveryDto {
  id: string;
  channelId: string;
  channelName: string;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const include = { rule: { select: { name: true, kind: true, reason: true, windowMin: true } } } as const;
type Row = Awaited<ReturnType<typeof findOne>>;
const findOne = (id: string) => db().alert.findUniqueOrThrow({ where: { id }, include });
const iso = (d: Date | null) => d?.toISOString() ?? null;

function toDto(a: Row, names: ReadonlyMap<string, string>): AlertDto {
  return {
    id: a.id,
    state: a.state,
    severity: a.severity,
    ruleId: a.ruleId,
    ruleName: a.rule.name,
    kind: a.rule.kind,
    reason: a.rule.reason,
    windowMin: a.rule.windowMin,
    resourceId: a.resourceId,
    resourceName: names.get(a.resourceId) ?? null,
    key: a.key,
    value: a.value,
    threshold: a.threshold,
    summary: a.summary,
    flapping: a.flapping,
    startedAt: a.startedAt.toISOString(),
    firedAt: iso(a.firedAt),
    ackAt: iso(a.ackAt),
    ackByEmail: a.ackByEmail,
    ackNote: a.ackNote,
    resolvedAt: iso(a.resolvedAt),
    resolvedBy: a.resolvedBy,
  };
}

// Inside a transaction, pass it: on SQLite a read on another connection waits for the transaction to end.
async function resourceNames(ids: string[], client: Db | Tx = db()): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map();
  const rows = await client.mcpResource.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function listAlerts(q: AlertListQuery): Promise<AlertDto[]> {
  const rows = await db().alert.findMany({
    where: {
      ...(q.state === "open"
        ? { state: { in: ["pending", "firing", "acknowledged"] } }
        : q.state
          ? { state: q.state }
          : {}),
      ...(q.ruleId ? { ruleId: q.ruleId } : {}),
      ...(q.resourceId ? { resourceId: q.resourceId } : {}),
      ...(q.kind ? { rule: { kind: q.kind } } : {}),
      ...(q.from || q.to
        ? { startedAt: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lte: new Date(q.to) } : {}) } }
        : {}),
    },
    include,
    orderBy: { startedAt: "desc" },
    take: q.limit,
  });
  const names = await resourceNames(rows.map((r) => r.resourceId));
  return rows.map((r) => toDto(r, names));
}

export async function getAlert(id: string): Promise<{ alert: AlertDto; deliveries: DeliveryDto[] }> {
  const a = await db().alert.findUnique({ where: { id }, include });
  if (!a) throw new AppError("not_found", "No such alert.");
  const deliveries = await db().alertDelivery.findMany({
    where: { alertId: id },
    include: { channel: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return {
    alert: toDto(a, await resourceNames([a.resourceId])),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      channelId: d.channelId,
      channelName: d.channel.name,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      deliveredAt: iso(d.deliveredAt),
    })),
  };
}

/** Firing and acknowledged: what the navigation badge counts is only `firing` (nobody is on it yet). */
export async function countFiring(): Promise<number> {
  return db().alert.count({ where: { state: "firing" } });
}

export async function acknowledgeAlert(actor: Actor, id: string, note: string, ctx: RequestContext): Promise<AlertDto> {
  await db().$transaction(async (tx) => {
    const a = await tx.alert.findUnique({ where: { id } });
    if (!a) throw new AppError("not_found", "No such alert.");
    if (a.state !== "firing")
      throw new AppError("conflict", `Only a firing alert can be acknowledged; this one is ${a.state}.`);
    const ackAt = new Date();
    await tx.alert.update({
      where: { id },
      data: { state: "acknowledged", ackAt, ackByEmail: actor.email, ackNote: note },
    });
    await writeAudit(tx, {
      actor,
      action: "alert.acknowledge",
      targetType: "alert",
      targetId: id,
      before: { state: a.state },
      after: { state: "acknowledged", note, summary: a.summary },
      ctx,
    });
  });
  const row = await findOne(id);
  return toDto(row, await resourceNames([row.resourceId]));
}

/** Manual resolution (the condition may still hold: the next cycle then opens a new alert). Notifies like the evaluator. */
export async function resolveAlert(actor: Actor, id: string, ctx: RequestContext): Promise<AlertDto> {
  const queued = await db().$transaction(async (tx) => {
    const a = await tx.alert.findUnique({ where: { id }, include: { rule: true } });
    if (!a) throw new AppError("not_found", "No such alert.");
    if (a.state === "resolved") throw new AppError("conflict", "This alert is already resolved.");
    const now = new Date();
    const resolved = await tx.alert.update({
      where: { id },
      data: { state: "resolved", resolvedAt: now, resolvedBy: actor.email },
    });
    await writeAudit(tx, {
      actor,
      action: "alert.resolve",
      targetType: "alert",
      targetId: id,
      before: { state: a.state },
      after: { state: "resolved", summary: a.summary },
      ctx,
    });
    if (a.state === "pending") return 0; // never notified, nothing to close
    const names = await resourceNames([a.resourceId], tx);
    const payload = buildPayload(
      "resolved",
      { ...resolved, rule: { id: a.rule.id, name: a.rule.name, kind: a.rule.kind, reason: a.rule.reason } },
      names.get(a.resourceId) ?? null,
      a.rule.windowMin,
    );
    return enqueueDeliveries(tx, id, JSON.parse(a.rule.channelIds) as string[], a.severity, payload, {
      now,
      suppressed: a.flapping,
    });
  });
  if (queued) void deliverDue().catch(() => undefined);
  const row = await findOne(id);
  return toDto(row, await resourceNames([row.resourceId]));
}

/** The delivery log of several alerts at once (the Alerts page shows it under each alert). */
export async function listDeliveries(alertIds: string[]): Promise<Map<string, DeliveryDto[]>> {
  const out = new Map<string, DeliveryDto[]>();
  if (alertIds.length === 0) return out;
  const rows = await db().alertDelivery.findMany({
    where: { alertId: { in: alertIds } },
    include: { channel: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  for (const d of rows) {
    const list = out.get(d.alertId ?? "") ?? [];
    list.push({
      id: d.id,
      channelId: d.channelId,
      channelName: d.channel.name,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      deliveredAt: iso(d.deliveredAt),
    });
    out.set(d.alertId ?? "", list);
  }
  return out;
}
