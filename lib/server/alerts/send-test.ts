import "server-only";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { deliverDue } from "./deliver";
import type { AlertPayload } from "./notify";

/**
 * "Send test": one delivery of a sample alert through the channel, logged like any other and sent at
 * once (waited for, with a short deadline), so the admin sees the receiver's answer right away.
 */
export async function sendTestNotification(
  actor: Actor,
  channelId: string,
  ctx: RequestContext,
): Promise<{ status: string; attempts: number; lastError: string | null }> {
  const channel = await db().alertChannel.findUnique({ where: { id: channelId }, select: { id: true, name: true } });
  if (!channel) throw new AppError("not_found", "No such channel.");
  const now = new Date();
  const payload: AlertPayload = {
    type: "alert.test",
    alert: {
      id: "test",
      state: "firing",
      severity: "info",
      rule: { id: "test", name: "Test notification", kind: "test" },
      resource: null,
      key: "",
      value: 1,
      threshold: 1,
      unit: "",
      summary: `Test notification from Portcullis to channel "${channel.name}"`,
      startedAt: now.toISOString(),
      firedAt: now.toISOString(),
      resolvedAt: null,
      url: "",
      eventsUrl: null,
      cause: "An admin pressed Send test.",
      check: "Nothing: if you read this, the channel works.",
    },
  };
  const delivery = await db().$transaction(async (tx) => {
    const d = await tx.alertDelivery.create({
      data: { channelId, event: "test", payload: JSON.stringify(payload), nextAttemptAt: now },
    });
    await writeAudit(tx, {
      actor,
      action: "alert_channel.test",
      targetType: "alert_channel",
      targetId: channelId,
      after: { delivery: d.id },
      ctx,
    });
    return d;
  });
  await deliverDue({ ids: [delivery.id], timeoutMs: 5_000 });
  const after = await db().alertDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
  // A test is not retried in the background: the admin is looking at the answer now.
  if (after.status === "pending")
    await db().alertDelivery.update({ where: { id: delivery.id }, data: { status: "failed" } });
  return {
    status: after.status === "pending" ? "failed" : after.status,
    attempts: after.attempts,
    lastError: after.lastError,
  };
}
