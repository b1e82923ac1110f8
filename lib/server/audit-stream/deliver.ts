import "server-only";
import { retryDelayMs } from "../alerts/deliver";
import { type Db, db, type Tx } from "../db";
import { env, isPostgres } from "../env";
import { log } from "../log";
import { denialHorizon, readBatch } from "./events";
import { openSinkConfig } from "./sink-config";
import { sendBatch } from "./transports";

/**
 * Works every due sink: read the next batch after the sink's cursors, send it, and move the cursors
 * only when the receiver accepted it (at-least-once; a batch sent again keeps its event ids). One
 * batch at a time per sink, in cursor order, so each sink sees events in order. A failure keeps the
 * cursors and backs off (doubling from AUDIT_STREAM_RETRY_BASE_MS, ±50% jitter, capped).
 *
 * Exactly one deliverer for the whole control plane: on PostgreSQL the cycle runs in one transaction
 * holding `pg_try_advisory_xact_lock` (a replica that cannot take it skips; a crashed replica's lock
 * and its uncommitted cursor moves die with its connection, so those events are sent again). On
 * SQLite (one process) an in-process flag, and each cursor move is committed as it happens.
 */
export const STREAM_LOCK_KEY = 727350112;

export interface StreamOptions {
  now?: Date;
  timeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  batchSize?: number;
  /** Stop starting new batches after this long (one cycle must fit the transaction's timeout). */
  budgetMs?: number;
  /** Denials: how long an id must have been seen before it is read past (tests shorten it). */
  settleMs?: number;
  sinkIds?: string[];
}
export interface StreamResult {
  ran: boolean;
  delivered: number;
  failed: number;
}

let sqliteBusy = false;
const oneLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 500);

export async function deliverAuditStreams(opts: StreamOptions = {}): Promise<StreamResult> {
  if (isPostgres()) {
    return db().$transaction(
      async (tx) => {
        const [row] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
          "SELECT pg_try_advisory_xact_lock($1) AS locked",
          STREAM_LOCK_KEY,
        );
        if (!row?.locked) return { ran: false, delivered: 0, failed: 0 };
        return cycle(tx, opts);
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  }
  if (sqliteBusy) return { ran: false, delivered: 0, failed: 0 };
  sqliteBusy = true;
  try {
    return await cycle(db(), opts);
  } finally {
    sqliteBusy = false;
  }
}

async function cycle(client: Db | Tx, opts: StreamOptions): Promise<StreamResult> {
  const e = env();
  const now = opts.now ?? new Date();
  const sinks = await client.auditSink.findMany({
    where: { enabled: true, nextAttemptAt: { lte: now }, ...(opts.sinkIds ? { id: { in: opts.sinkIds } } : {}) },
    orderBy: { createdAt: "asc" },
  });
  if (sinks.length === 0) return { ran: true, delivered: 0, failed: 0 };
  const horizon = await denialHorizon(client, now.getTime(), opts.settleMs);
  const deadline = performance.now() + (opts.budgetMs ?? 60_000);
  let delivered = 0;
  let failed = 0;
  // Sinks are worked concurrently (a hanging receiver delays only its own sink), batches sequentially.
  await Promise.all(
    sinks.map(async (sink) => {
      let cursors = { audit: sink.auditCursor, denial: sink.denialCursor };
      let failures = sink.failures;
      while (performance.now() < deadline) {
        const batch = await readBatch(client, cursors, {
          includeDenials: sink.includeDenials,
          denialHorizon: horizon,
          limit: opts.batchSize ?? 200,
        });
        if (batch.events.length === 0) return;
        const first = batch.events[0]?.id;
        const last = batch.events.at(-1)?.id;
        try {
          const config = openSinkConfig(sink.id, sink.configEnc);
          await sendBatch(config, batch.events, `${sink.id}:${first}..${last}`, opts.timeoutMs ?? 10_000);
        } catch (err) {
          failed++;
          failures++;
          const message = oneLine(err);
          log.warn({ sink: sink.id, failures, err: message }, "audit stream delivery failed");
          const delay = retryDelayMs(
            failures,
            opts.retryBaseMs ?? e.AUDIT_STREAM_RETRY_BASE_MS,
            Math.random,
            opts.retryMaxMs ?? e.AUDIT_STREAM_RETRY_MAX_MS,
          );
          await client.auditSink.updateMany({
            where: { id: sink.id },
            data: {
              failures,
              lastError: message,
              lastAttemptAt: new Date(),
              nextAttemptAt: new Date(Date.now() + delay),
            },
          });
          return;
        }
        delivered += batch.events.length;
        failures = 0;
        cursors = batch.next;
        const at = new Date();
        await client.auditSink.updateMany({
          where: { id: sink.id },
          data: {
            auditCursor: cursors.audit,
            denialCursor: cursors.denial,
            delivered: { increment: batch.events.length },
            failures: 0,
            lastError: null,
            lastAttemptAt: at,
            lastDeliveredAt: at,
            nextAttemptAt: at,
          },
        });
      }
    }),
  );
  return { ran: true, delivered, failed };
}
