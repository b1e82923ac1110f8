import "server-only";
import { db } from "../db";
import { log } from "../log";
import { openConfig } from "./channels";
import type { AlertPayload } from "./notify";
import { sendNotification } from "./senders";

/**
 * Works the delivery log: every due row is claimed (a conditional update, so two replicas never send
 * the same row), then all claimed rows are sent concurrently, each with its own deadline: a hanging
 * or failing channel delays nobody else. Failures retry with exponential backoff and jitter until
 * MAX_ATTEMPTS, then the row stays `failed` with its last error for the log.
 */
export const MAX_ATTEMPTS = 6;

export interface DeliverOptions {
  now?: Date;
  timeoutMs?: number;
  /** First retry delay; doubles per attempt (capped at 30 min), with ±50% jitter. */
  retryBaseMs?: number;
  limit?: number;
  /** Only these rows (Send test waits for its own row). */
  ids?: string[];
}

export function retryDelayMs(attempts: number, baseMs: number, random = Math.random, capMs = 30 * 60_000): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), capMs);
  return Math.round(exp / 2 + random() * exp); // "equal jitter": between 0.5× and 1.5× the step
}

const oneLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 500);

export async function deliverDue(opts: DeliverOptions = {}): Promise<{ delivered: number; failed: number }> {
  const now = opts.now ?? new Date();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const due = await db().alertDelivery.findMany({
    where: {
      ...(opts.ids ? { id: { in: opts.ids } } : {}),
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "sending", lockedUntil: { lt: now } }, // a replica died mid-send
      ],
    },
    orderBy: { nextAttemptAt: "asc" },
    take: opts.limit ?? 200,
    include: { channel: true },
  });
  // Claimed concurrently (one conditional update each): the claims of 50 channels cost one round, not 50.
  const lockedUntil = new Date(now.getTime() + timeoutMs + 60_000);
  const claims = await Promise.all(
    due.map((d) =>
      db().alertDelivery.updateMany({
        where: { id: d.id, status: d.status, attempts: d.attempts },
        data: { status: "sending", lockedUntil },
      }),
    ),
  );
  const claimed = due.filter((_, i) => claims[i]?.count === 1);
  let delivered = 0;
  let failed = 0;
  await Promise.all(
    claimed.map(async (d) => {
      const attempts = d.attempts + 1;
      try {
        await sendNotification(
          {
            id: d.channel.id,
            kind: d.channel.kind as "webhook",
            template: d.channel.template,
            config: openConfig(d.channel.id, d.channel.configEnc),
          },
          JSON.parse(d.payload) as AlertPayload,
          d.id,
          timeoutMs,
        );
        await db().alertDelivery.update({
          where: { id: d.id },
          data: { status: "delivered", attempts, deliveredAt: new Date(), lastError: null, lockedUntil: null },
        });
        delivered++;
      } catch (err) {
        failed++;
        const last = attempts >= MAX_ATTEMPTS;
        const message = oneLine(err);
        log.warn({ delivery: d.id, channel: d.channel.id, attempts, err: message }, "alert delivery failed");
        await db().alertDelivery.update({
          where: { id: d.id },
          data: {
            status: last ? "failed" : "pending",
            attempts,
            lastError: message,
            lockedUntil: null,
            nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, opts.retryBaseMs ?? 30_000)),
          },
        });
      }
    }),
  );
  return { delivered, failed };
}
