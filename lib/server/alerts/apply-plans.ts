import "server-only";
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../db";
import type { Step } from "./lifecycle";
import type { Observation } from "./measure";
import {
  buildPayload,
  deliveryRows,
  enqueueDeliveries,
  loadRoutableChannels,
  type NotifyEvent,
  routeChannels,
} from "./notify";

/** The writes of one evaluation cycle: each rule's planned transitions, and their notifications. */
type RuleRow = Awaited<ReturnType<Db["alertRule"]["findMany"]>>[number];
type AlertRow = Awaited<ReturnType<Db["alert"]["create"]>>;
export type Plan = { rule: RuleRow; steps: Step<Observation>[]; current: ReadonlyMap<string, Shown> };
type Shown = { value: number; threshold: number; summary: string };
/** A new alert of this cycle, written with the others by `writeOpened`. */
type Opened = {
  data: {
    id: string;
    ruleId: string;
    resourceId: string;
    key: string;
    state: string;
    severity: string;
    value: number;
    threshold: number;
    summary: string;
    flapping: boolean;
    startedAt: Date;
    lastTrueAt: Date;
    firedAt: Date | null;
    lastNotifiedAt: Date | null;
  };
  rule: RuleRow;
  channelIds: string[];
  notify: boolean;
};

export async function applyPlans(tx: Tx, plans: readonly Plan[], now: Date) {
  const transitions = { opened: 0, fired: 0, resolved: 0, dropped: 0, renotified: 0 };
  let notifications = 0;
  const [resources, channels] = await Promise.all([
    tx.mcpResource.findMany({ select: { id: true, name: true } }),
    loadRoutableChannels(tx),
  ]);
  const names = new Map(resources.map((r) => [r.id, r.name]));
  // Alerts whose condition still holds with the same value: one statement for all of them, since
  // a steady cycle would otherwise cost one UPDATE per open alert.
  const unchanged: string[] = [];
  // New alerts: written together after the loop (one INSERT, one read back, one INSERT of their
  // deliveries), since a first cycle over a fleet can open one alert per resource at once.
  const opens: Opened[] = [];
  for (const { rule, steps, current } of plans) {
    const channelIds = JSON.parse(rule.channelIds) as string[];
    const notify = async (a: AlertRow, event: NotifyEvent, suppressed = false) => {
      if (channelIds.length === 0) return;
      const payload = buildPayload(
        event,
        { ...a, rule: { id: rule.id, name: rule.name, kind: rule.kind, reason: rule.reason } },
        a.resourceId ? (names.get(a.resourceId) ?? null) : null,
        rule.windowMin,
      );
      const queued = await enqueueDeliveries(tx, a.id, channelIds, a.severity, payload, { suppressed, now, channels });
      notifications += queued;
      if (queued) await tx.alert.update({ where: { id: a.id }, data: { lastNotifiedAt: now } });
    };
    for (const s of steps) {
      switch (s.op) {
        case "open": {
          // Whether a notification will be queued is known before the row exists (the cycle's channel
          // map), so the new alert is written once, already marked as notified.
          const notifies = s.firing && routeChannels(channelIds, rule.severity, channels).length > 0;
          opens.push({
            rule,
            channelIds,
            notify: s.firing,
            data: {
              id: randomUUID(),
              ruleId: rule.id,
              resourceId: s.obs.resourceId,
              key: s.obs.key,
              state: s.firing ? "firing" : "pending",
              severity: rule.severity,
              value: s.obs.value,
              threshold: s.obs.threshold,
              summary: s.obs.summary,
              flapping: s.flapping,
              startedAt: now,
              lastTrueAt: now,
              firedAt: s.firing ? now : null,
              lastNotifiedAt: notifies ? now : null,
            },
          });
          transitions.opened++;
          if (s.firing) transitions.fired++;
          break;
        }
        case "fire": {
          const a = await tx.alert.update({
            where: { id: s.id },
            data: { state: "firing", firedAt: now, lastTrueAt: now, value: s.obs.value, summary: s.obs.summary },
          });
          transitions.fired++;
          await notify(a, "firing", a.flapping);
          break;
        }
        case "hold": {
          const was = current.get(s.id);
          const same = was?.value === s.obs.value && was.threshold === s.obs.threshold && was.summary === s.obs.summary;
          if (same && !s.renotify) {
            unchanged.push(s.id);
            break;
          }
          const a = await tx.alert.update({
            where: { id: s.id },
            data: {
              lastTrueAt: now,
              value: s.obs.value,
              threshold: s.obs.threshold,
              summary: s.obs.summary,
              ...(s.renotify ? { lastNotifiedAt: now } : {}),
            },
          });
          if (s.renotify) {
            transitions.renotified++;
            await notify(a, "renotify");
          }
          break;
        }
        case "drop":
          await tx.alert.delete({ where: { id: s.id } });
          transitions.dropped++;
          break;
        case "resolve": {
          const a = await tx.alert.update({
            where: { id: s.id },
            data: { state: "resolved", resolvedAt: now, resolvedBy: "evaluator" },
          });
          transitions.resolved++;
          await notify(a, "resolved", a.flapping);
          break;
        }
      }
    }
  }
  if (unchanged.length) await tx.alert.updateMany({ where: { id: { in: unchanged } }, data: { lastTrueAt: now } });
  notifications += await writeOpened(tx, opens, { now, names, channels });
  return { transitions, notifications };
}

/** Writes a cycle's new alerts and the deliveries of those that fire at once; returns the deliveries queued. */
async function writeOpened(
  tx: Tx,
  opens: readonly Opened[],
  ctx: { now: Date; names: ReadonlyMap<string, string>; channels: Awaited<ReturnType<typeof loadRoutableChannels>> },
): Promise<number> {
  if (opens.length === 0) return 0;
  await tx.alert.createMany({ data: opens.map((o) => o.data) });
  const notifying = opens.filter((o) => o.notify && o.channelIds.length > 0);
  if (notifying.length === 0) return 0;
  const rows = new Map(
    (await tx.alert.findMany({ where: { id: { in: notifying.map((o) => o.data.id) } } })).map((a) => [a.id, a]),
  );
  const deliveries = notifying.flatMap(({ data, rule, channelIds }) => {
    const a = rows.get(data.id);
    if (!a) return [];
    const payload = buildPayload(
      "firing",
      { ...a, rule: { id: rule.id, name: rule.name, kind: rule.kind, reason: rule.reason } },
      a.resourceId ? (ctx.names.get(a.resourceId) ?? null) : null,
      rule.windowMin,
    );
    return deliveryRows(a.id, channelIds, a.severity, payload, {
      suppressed: a.flapping,
      now: ctx.now,
      channels: ctx.channels,
    });
  });
  if (deliveries.length > 0) await tx.alertDelivery.createMany({ data: deliveries });
  return deliveries.length;
}
