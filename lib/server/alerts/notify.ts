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
/** An enabled channel as routing needs it. */
export interface RoutableChannel {
  id: string;
  minSeverity: string;
}

/** The enabled channels, by id: one read per evaluation cycle instead of one per notification. */
export async function loadRoutableChannels(tx: Tx): Promise<Map<string, RoutableChannel>> {
  const rows = await tx.alertChannel.findMany({ where: { enabled: true }, select: { id: true, minSeverity: true } });
  return new Map(rows.map((c) => [c.id, c]));
}

/** The channels of `channelIds` that are enabled and take this severity. */
export function routeChannels(
  channelIds: readonly string[],
  severity: string,
  channels: ReadonlyMap<string, RoutableChannel>,
): RoutableChannel[] {
  return channelIds.flatMap((id) => {
    const c = channels.get(id);
    return c && severityRank(severity) >= severityRank(c.minSeverity) ? [c] : [];
  });
}

/**
 * Queues one delivery per routed channel (one statement). `opts.channels` is the cycle's channel map
 * (see {@link loadRoutableChannels}); without it the channels are read here.
 */
export async function enqueueDeliveries(
  tx: Tx,
  alertId: string,
  channelIds: readonly string[],
  severity: string,
  payload: AlertPayload,
  opts: { suppressed?: boolean; now: Date; channels?: ReadonlyMap<string, RoutableChannel> },
): Promise<number> {
  if (channelIds.length === 0) return 0;
  const channels =
    opts.channels ??
    new Map(
      (
        await tx.alertChannel.findMany({
          where: { id: { in: [...channelIds] }, enabled: true },
          select: { id: true, minSeverity: true },
        })
      ).map((c) => [c.id, c]),
    );
  const rows = deliveryRows(alertId, channelIds, severity, payload, { ...opts, channels });
  if (rows.length > 0) await tx.alertDelivery.createMany({ data: rows });
  return rows.length;
}

/** The delivery rows of one notification, one per routed channel (for a caller that writes many at once). */
export function deliveryRows(
  alertId: string,
  channelIds: readonly string[],
  severity: string,
  payload: AlertPayload,
  opts: { suppressed?: boolean; now: Date; channels: ReadonlyMap<string, RoutableChannel> },
) {
  const body = JSON.stringify(payload);
  return routeChannels(channelIds, severity, opts.channels).map((c) => ({
    alertId,
    channelId: c.id,
    event: payload.type.slice("alert.".length),
    payload: body,
    status: opts.suppressed ? "suppressed" : "pending",
    lastError: opts.suppressed ? "not sent: the alert is flapping" : null,
    nextAttemptAt: opts.now,
  }));
}
