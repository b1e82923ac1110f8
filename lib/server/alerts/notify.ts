import "server-only";
import { type AlertKind, alertEventsHref, KIND_INFO, severityRank } from "@/lib/schemas/alerts";
import type { Tx } from "../db";
import { env } from "../env";

/**
 * What a notification says, and who gets it. The payload is built once per transition and stored
 * with each delivery row (the delivery log shows exactly what was sent); it holds no secret.
 */
export type NotifyEvent = "firing" | "resolved" | "renotify" | "test";

export interface AlertPayload {
  type: `alert.${NotifyEvent}`;
  alert: {
    id: string;
    state: string;
    severity: string;
    rule: { id: string; name: string; kind: string };
    resource: { id: string; name: string } | null;
    key: string;
    value: number;
    threshold: number;
    unit: string;
    summary: string;
    startedAt: string;
    firedAt: string | null;
    resolvedAt: string | null;
    url: string;
    eventsUrl: string | null;
    cause: string;
    check: string;
  };
}

export interface PayloadSource {
  id: string;
  state: string;
  severity: string;
  resourceId: string;
  key: string;
  value: number;
  threshold: number;
  summary: string;
  startedAt: Date;
  firedAt: Date | null;
  resolvedAt: Date | null;
  rule: { id: string; name: string; kind: string; reason: string };
}

const baseUrl = () => (env().NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/$/, "");

export function buildPayload(
  event: NotifyEvent,
  a: PayloadSource,
  resourceName: string | null,
  windowMin: number,
): AlertPayload {
  const info = KIND_INFO[a.rule.kind as AlertKind];
  const events = alertEventsHref(
    {
      kind: a.rule.kind,
      reason: a.rule.reason,
      key: a.key,
      resourceId: a.resourceId,
      startedAt: a.startedAt.toISOString(),
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
    },
    windowMin,
    Date.now(),
  );
  return {
    type: `alert.${event}`,
    alert: {
      id: a.id,
      state: a.state,
      severity: a.severity,
      rule: { id: a.rule.id, name: a.rule.name, kind: a.rule.kind },
      resource: a.resourceId ? { id: a.resourceId, name: resourceName ?? a.resourceId } : null,
      key: a.key,
      value: a.value,
      threshold: a.threshold,
      unit: info?.unit ?? "",
      summary: a.summary,
      startedAt: a.startedAt.toISOString(),
      firedAt: a.firedAt?.toISOString() ?? null,
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      url: `${baseUrl()}/alerts?alert=${a.id}`,
      eventsUrl: events ? `${baseUrl()}${events}` : null,
      cause: info?.cause ?? "",
      check: info?.check ?? "",
    },
  };
}

/**
 * Queue one delivery per routed channel (enabled, and whose minimum severity the rule reaches), in
 * the caller's transaction: the transition and its notifications commit together, exactly once.
 * Flapping alerts get their rows as `suppressed`, so the log still says why nothing was sent.
 */
export async function enqueueDeliveries(
  tx: Tx,
  alertId: string,
  channelIds: readonly string[],
  severity: string,
  payload: AlertPayload,
  opts: { suppressed?: boolean; now: Date },
): Promise<number> {
  if (channelIds.length === 0) return 0;
  const channels = await tx.alertChannel.findMany({
    where: { id: { in: [...channelIds] }, enabled: true },
    select: { id: true, minSeverity: true },
  });
  const routed = channels.filter((c) => severityRank(severity) >= severityRank(c.minSeverity));
  const body = JSON.stringify(payload);
  for (const c of routed) {
    await tx.alertDelivery.create({
      data: {
        alertId,
        channelId: c.id,
        event: payload.type.slice("alert.".length),
        payload: body,
        status: opts.suppressed ? "suppressed" : "pending",
        lastError: opts.suppressed ? "not sent: the alert is flapping" : null,
        nextAttemptAt: opts.now,
      },
    });
  }
  return routed.length;
}
