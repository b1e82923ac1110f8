import "server-only";
import {
  ALERT_KINDS,
  type AlertKind,
  type AlertRuleCreate,
  AlertRuleUpdate,
  KIND_INFO,
  REASON_VARIANTS,
} from "@/lib/schemas/alerts";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { type Db, db, type Tx } from "../db";
import { AppError, isUniqueViolation } from "../errors";
import type { RequestContext } from "../request-context";

/**
 * Alert rules: one fleet-wide rule per kind and reason variant, and per-resource overrides (same kind
 * and reason, a resourceId). Every change is audited in its own transaction (before and after).
 */
export interface RuleDto {
  id: string;
  kind: AlertKind;
  reason: string;
  resourceId: string;
  name: string;
  threshold: number;
  windowMin: number;
  forMin: number;
  resolveMin: number;
  renotifyMin: number;
  severity: string;
  enabled: boolean;
  channelIds: string[];
  updatedAt: string;
}

type RuleRow = Awaited<ReturnType<Db["alertRule"]["findFirstOrThrow"]>>;
export const toRuleDto = (r: RuleRow): RuleDto => ({
  id: r.id,
  kind: r.kind as AlertKind,
  reason: r.reason,
  resourceId: r.resourceId,
  name: r.name,
  threshold: r.threshold,
  windowMin: r.windowMin,
  forMin: r.forMin,
  resolveMin: r.resolveMin,
  renotifyMin: r.renotifyMin,
  severity: r.severity,
  enabled: r.enabled,
  channelIds: JSON.parse(r.channelIds) as string[],
  updatedAt: r.updatedAt.toISOString(),
});
const auditView = ({ updatedAt: _u, id: _i, ...rest }: RuleDto) => rest;

const invalid = (field: string, message: string) =>
  new AppError("invalid_input", message, { fieldErrors: { [field]: [message] } });

export function defaultRuleName(kind: AlertKind, reason: string): string {
  return reason ? `${KIND_INFO[kind].title}: ${reason}` : KIND_INFO[kind].title;
}

export async function listRules(): Promise<RuleDto[]> {
  const rows = await db().alertRule.findMany({ orderBy: [{ kind: "asc" }, { reason: "asc" }, { resourceId: "asc" }] });
  return rows.map(toRuleDto);
}

export async function getRule(id: string): Promise<RuleDto> {
  const row = await db().alertRule.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "No such alert rule.");
  return toRuleDto(row);
}

/** Checks that need the database or several fields at once (zod checked each field). */
async function checkRule(tx: Tx, r: Omit<RuleDto, "id" | "updatedAt">): Promise<void> {
  const info = KIND_INFO[r.kind];
  if (r.reason && r.kind !== "auth_failures")
    throw invalid("reason", "Only authentication-failure rules take a reason.");
  if (info.maxThreshold !== undefined && r.threshold > info.maxThreshold)
    throw invalid("threshold", `The threshold is at most ${info.maxThreshold} ${info.unit}.`);
  if (info.fixedWindow && r.windowMin !== info.windowMin)
    throw invalid("windowMin", `This kind's window is fixed at ${info.windowMin} minute(s).`);
  if (r.resourceId) {
    const resource = await tx.mcpResource.findUnique({ where: { id: r.resourceId }, select: { id: true } });
    if (!resource) throw invalid("resourceId", "No such resource.");
  }
  if (r.channelIds.length) {
    const found = await tx.alertChannel.count({ where: { id: { in: r.channelIds } } });
    if (found !== new Set(r.channelIds).size) throw invalid("channelIds", "Route only to existing channels.");
  }
}

const conflict = () =>
  new AppError("conflict", "A rule of this kind and reason already exists for this scope: edit it instead.");

export async function createRule(actor: Actor, input: AlertRuleCreate, ctx: RequestContext): Promise<RuleDto> {
  const info = KIND_INFO[input.kind];
  const fields = {
    kind: input.kind,
    reason: input.reason,
    resourceId: input.resourceId,
    name: input.name ?? defaultRuleName(input.kind, input.reason),
    threshold: input.threshold ?? info.threshold,
    windowMin: input.windowMin ?? info.windowMin,
    forMin: input.forMin ?? info.forMin,
    resolveMin: input.resolveMin,
    renotifyMin: input.renotifyMin,
    severity: input.severity ?? info.severity,
    enabled: input.enabled,
    channelIds: input.channelIds,
  };
  try {
    return await db().$transaction(async (tx) => {
      await checkRule(tx, fields);
      const row = await tx.alertRule.create({ data: { ...fields, channelIds: JSON.stringify(fields.channelIds) } });
      const dto = toRuleDto(row);
      await writeAudit(tx, {
        actor,
        action: "alert_rule.create",
        targetType: "alert_rule",
        targetId: row.id,
        after: auditView(dto),
        ctx,
      });
      return dto;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}

export async function updateRule(
  actor: Actor,
  id: string,
  raw: AlertRuleUpdate,
  ctx: RequestContext,
): Promise<RuleDto> {
  const input = AlertRuleUpdate.parse(raw);
  return db().$transaction(async (tx) => {
    const row = await tx.alertRule.findUnique({ where: { id } });
    if (!row) throw new AppError("not_found", "No such alert rule.");
    const before = toRuleDto(row);
    const next = { ...before, ...input };
    await checkRule(tx, next);
    const { channelIds, ...rest } = input;
    const updated = await tx.alertRule.update({
      where: { id },
      data: { ...rest, ...(channelIds ? { channelIds: JSON.stringify(channelIds) } : {}) },
    });
    const dto = toRuleDto(updated);
    await writeAudit(tx, {
      actor,
      action: "alert_rule.update",
      targetType: "alert_rule",
      targetId: id,
      before: auditView(before),
      after: auditView(dto),
      ctx,
    });
    return dto;
  });
}

export async function deleteRule(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  await db().$transaction(async (tx) => {
    const row = await tx.alertRule.findUnique({ where: { id } });
    if (!row) throw new AppError("not_found", "No such alert rule.");
    await tx.alertRule.delete({ where: { id } });
    await writeAudit(tx, {
      actor,
      action: "alert_rule.delete",
      targetType: "alert_rule",
      targetId: id,
      before: auditView(toRuleDto(row)),
      ctx,
    });
  });
}

/**
 * First start (and every start after, idempotently): one fleet-wide rule per kind and per reason
 * variant, with the DOMAIN.md defaults; the five DOMAIN.md thresholds enabled, the rest present but off.
 */
export async function ensureDefaultAlertRules(client: Db = db()): Promise<number> {
  const wanted: { kind: AlertKind; reason: string }[] = [
    ...ALERT_KINDS.map((kind) => ({ kind, reason: "" })),
    ...REASON_VARIANTS.map((reason) => ({ kind: "auth_failures" as const, reason })),
  ];
  const existing = await client.alertRule.findMany({ where: { resourceId: "" }, select: { kind: true, reason: true } });
  const have = new Set(existing.map((r) => `${r.kind}/${r.reason}`));
  const missing = wanted.filter((w) => !have.has(`${w.kind}/${w.reason}`));
  if (missing.length === 0) return 0;
  let created = 0;
  // One short transaction per rule: each audit append signs a checkpoint, and a 13-rule batch would
  // outlast the interactive-transaction timeout.
  for (const { kind, reason } of missing) {
    await client.$transaction(async (tx) => {
      const info = KIND_INFO[kind];
      const exists = await tx.alertRule.findFirst({ where: { kind, reason, resourceId: "" }, select: { id: true } });
      if (exists) return; // another replica seeded it meanwhile
      const row = await tx.alertRule.create({
        data: {
          kind,
          reason,
          name: defaultRuleName(kind, reason),
          threshold: info.threshold,
          windowMin: info.windowMin,
          forMin: info.forMin,
          severity: info.severity,
          enabled: info.seededOn && reason === "",
        },
      });
      await writeAudit(tx, {
        actor: { id: null, email: "system" },
        action: "alert_rule.seed",
        targetType: "alert_rule",
        targetId: row.id,
        after: auditView(toRuleDto(row)),
      });
      created++;
    });
  }
  return created;
}
