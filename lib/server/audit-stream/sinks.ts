import "server-only";
import { randomUUID } from "node:crypto";
import { type AuditSinkCreate, AuditSinkUpdate, type SinkKind } from "@/lib/schemas/audit-sinks";
import { newSigningSecret } from "../alerts/signature";
import { assertWebhookUrl } from "../alerts/url-guard";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError, type FieldErrors, isUniqueViolation } from "../errors";
import type { RequestContext } from "../request-context";
import { maxAuditSeq, maxDenialId } from "./events";
import { openSinkConfig, sealSinkConfig, targetOf } from "./sink-config";
import { isLoopbackHost, type SinkConfig } from "./transports";

/** Audit streaming sinks: CRUD, every change audited in its own transaction, secrets sealed. */
export interface SinkStatus {
  delivered: number;
  failures: number;
  lastDeliveredAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  nextAttemptAt: string;
  /** Audit events not yet accepted by the receiver. */
  pending: number;
  /** Age of the oldest undelivered audit event, seconds (0 when caught up). */
  lagSeconds: number;
}
export interface SinkDto {
  id: string;
  name: string;
  kind: SinkKind;
  target: string;
  includeDenials: boolean;
  enabled: boolean;
  createdAt: string;
  status: SinkStatus;
}
type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["auditSink"]["findUnique"]>>>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
async function toDto(r: Row, now = Date.now()): Promise<SinkDto> {
  const [pending, oldest] = await Promise.all([
    db().auditEvent.count({ where: { seq: { gt: r.auditCursor } } }),
    db().auditEvent.findFirst({ where: { seq: { gt: r.auditCursor } }, orderBy: { seq: "asc" }, select: { at: true } }),
  ]);
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as SinkKind,
    target: r.target,
    includeDenials: r.includeDenials,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
    status: {
      delivered: r.delivered,
      failures: r.failures,
      lastDeliveredAt: iso(r.lastDeliveredAt),
      lastAttemptAt: iso(r.lastAttemptAt),
      lastError: r.lastError,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      pending,
      lagSeconds: oldest ? Math.max(0, Math.round((now - oldest.at.getTime()) / 1000)) : 0,
    },
  };
}
const auditView = (r: Pick<Row, "name" | "kind" | "target" | "includeDenials" | "enabled">) => ({
  name: r.name,
  kind: r.kind,
  target: r.target,
  includeDenials: r.includeDenials,
  enabled: r.enabled,
});
const invalid = (fieldErrors: FieldErrors) =>
  new AppError("invalid_input", Object.values(fieldErrors)[0]?.[0] ?? "Invalid input.", { fieldErrors });
const conflict = () => invalid({ name: ["A sink with this name already exists."] });

/** Save-time checks of where the sink points: the safe-fetch address rule, TLS beyond loopback. */
async function checkTarget(c: SinkConfig): Promise<void> {
  if (c.kind !== "syslog") return assertWebhookUrl(c.url, "url");
  if (!c.tls && !isLoopbackHost(c.host))
    throw invalid({ tls: ["Plain TCP is allowed only to loopback: turn TLS on."] });
  const host = c.host.includes(":") && !c.host.startsWith("[") ? `[${c.host}]` : c.host;
  await assertWebhookUrl(`https://${host}:${c.port}/`, "host");
}

export async function listSinks(): Promise<SinkDto[]> {
  const rows = await db().auditSink.findMany({ orderBy: { name: "asc" } });
  return Promise.all(rows.map((r) => toDto(r)));
}

export async function getSink(id: string): Promise<SinkDto> {
  const row = await db().auditSink.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "No such audit sink.");
  return toDto(row);
}

export async function createSink(
  actor: Actor,
  input: AuditSinkCreate,
  ctx: RequestContext,
): Promise<{ sink: SinkDto; signingSecret: string | null }> {
  const signingSecret = input.kind === "webhook" ? newSigningSecret() : null;
  const config: SinkConfig =
    input.kind === "webhook"
      ? { kind: "webhook", url: input.url, signingSecret: signingSecret ?? "" }
      : input.kind === "syslog"
        ? { kind: "syslog", host: input.host, port: input.port, tls: input.tls, caCert: input.caCert }
        : { kind: "splunk_hec", url: input.url, token: input.token, index: input.index };
  await checkTarget(config);
  try {
    const row = await db().$transaction(async (tx) => {
      const id = randomUUID();
      // The stream starts here: the sink's own create row is its first event; denials from now on.
      const created = await tx.auditSink.create({
        data: {
          id,
          name: input.name,
          kind: input.kind,
          target: targetOf(config),
          configEnc: sealSinkConfig(id, config),
          includeDenials: input.includeDenials,
          enabled: input.enabled,
          auditCursor: await maxAuditSeq(tx),
          denialCursor: await maxDenialId(tx),
        },
      });
      await writeAudit(tx, {
        actor,
        action: "audit_sink.create",
        targetType: "audit_sink",
        targetId: id,
        after: auditView(created),
        ctx,
      });
      return created;
    });
    return { sink: await toDto(row), signingSecret };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}

const KIND_FIELDS: Record<SinkKind, readonly string[]> = {
  webhook: ["url"],
  syslog: ["host", "port", "tls", "caCert"],
  splunk_hec: ["url", "token", "index"],
};

export async function updateSink(
  actor: Actor,
  id: string,
  raw: AuditSinkUpdate,
  ctx: RequestContext,
): Promise<SinkDto> {
  const input = AuditSinkUpdate.parse(raw);
  const current = await db().auditSink.findUnique({ where: { id } });
  if (!current) throw new AppError("not_found", "No such audit sink.");
  const kind = current.kind as SinkKind;
  const wrong = Object.keys(input).filter(
    (k) => ["url", "host", "port", "tls", "caCert", "token", "index"].includes(k) && !KIND_FIELDS[kind].includes(k),
  );
  if (wrong.length > 0) throw invalid(Object.fromEntries(wrong.map((k) => [k, [`A ${kind} sink has no ${k}.`]])));
  const config = { ...openSinkConfig(id, current.configEnc) } as Record<string, unknown>;
  for (const k of KIND_FIELDS[kind])
    if (input[k as keyof AuditSinkUpdate] !== undefined) config[k] = input[k as keyof AuditSinkUpdate];
  const next = config as unknown as SinkConfig;
  const targetChanged = KIND_FIELDS[kind].some((k) => input[k as keyof AuditSinkUpdate] !== undefined);
  if (targetChanged) await checkTarget(next);
  try {
    const row = await db().$transaction(async (tx) => {
      const startDenials = input.includeDenials === true && !current.includeDenials;
      const updated = await tx.auditSink.update({
        where: { id },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.includeDenials !== undefined ? { includeDenials: input.includeDenials } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          // Turning denials on starts them now, not with the whole retained history.
          ...(startDenials ? { denialCursor: await maxDenialId(tx) } : {}),
          target: targetOf(next),
          configEnc: sealSinkConfig(id, next),
          // A changed sink is tried again at once.
          failures: 0,
          nextAttemptAt: new Date(),
        },
      });
      await writeAudit(tx, {
        actor,
        action: "audit_sink.update",
        targetType: "audit_sink",
        targetId: id,
        before: auditView(current),
        after: { ...auditView(updated), targetChanged, tokenChanged: input.token !== undefined },
        ctx,
      });
      return updated;
    });
    return toDto(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}

export async function deleteSink(actor: Actor, id: string, ctx: RequestContext): Promise<void> {
  await db().$transaction(async (tx) => {
    const current = await tx.auditSink.findUnique({ where: { id } });
    if (!current) throw new AppError("not_found", "No such audit sink.");
    await tx.auditSink.delete({ where: { id } });
    await writeAudit(tx, {
      actor,
      action: "audit_sink.delete",
      targetType: "audit_sink",
      targetId: id,
      before: auditView(current),
      ctx,
    });
  });
}
