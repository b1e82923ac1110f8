import "server-only";
import { db } from "../db";
import { env } from "../env";
import { ROLLUP_GRAINS } from "./rows";
import { Params, q } from "./sql";

/**
 * Retention: raw events (and the idempotency records of their batches) for TELEMETRY_RETENTION_DAYS;
 * hourly rollups for ROLLUP_RETENTION_DAYS; per-minute rollups as long as raw events (at least 2 days):
 * they serve the short ranges (15 min to 24 h) and minute-level alerts, and they are the bulk of the
 * rollup rows (one per minute × client, tool…), so keeping them 90 days would cost more than the raw events. Deletes go in bounded chunks so a large backlog never holds
 * the SQLite write lock (or a PostgreSQL transaction) for long; ingest interleaves between chunks.
 */
export interface RetentionPolicy {
  rawDays: number;
  rollupDays: number;
}

export interface PruneResult {
  events: number;
  batches: number;
  rollups: number;
}

const DAY_MS = 86_400_000;
const CHUNK = 5_000;

export async function pruneTelemetry(
  now: Date,
  policy: RetentionPolicy = { rawDays: env().TELEMETRY_RETENTION_DAYS, rollupDays: env().ROLLUP_RETENTION_DAYS },
): Promise<PruneResult> {
  const rawCutoff = new Date(now.getTime() - policy.rawDays * DAY_MS);
  const rollupCutoffMinute = Math.floor((now.getTime() - policy.rollupDays * DAY_MS) / 60_000);
  const events = await deleteInChunks("TelemetryEvent", "id", "at", rawCutoff);
  const batches = await deleteInChunks("TelemetryBatch", "id", "receivedAt", rawCutoff);
  const minuteCutoff = Math.floor((now.getTime() - Math.max(policy.rawDays, 2) * DAY_MS) / 60_000);
  let rollups = await deleteRollups(1, Math.max(minuteCutoff, rollupCutoffMinute));
  for (const grain of ROLLUP_GRAINS.filter((g) => g !== 1)) rollups += await deleteRollups(grain, rollupCutoffMinute);
  return { events, batches, rollups };
}

/** Rollups have a composite key: walk the expired bucket range a day at a time. */
async function deleteRollups(grain: number, cutoffMinute: number): Promise<number> {
  const oldest = await db().telemetryRollup.aggregate({ where: { grain }, _min: { bucket: true } });
  let deleted = 0;
  for (let from = oldest._min.bucket ?? cutoffMinute; from < cutoffMinute; from += 1440) {
    const p = new Params();
    deleted += await db().$executeRawUnsafe(
      `DELETE FROM ${q("TelemetryRollup")} WHERE ${q("grain")} = ${p.add(grain)} AND ${q("bucket")} < ${p.add(Math.min(from + 1440, cutoffMinute))}`,
      ...p.values,
    );
  }
  return deleted;
}

async function deleteInChunks(table: string, key: string, column: string, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const p = new Params();
    const deleted = await db().$executeRawUnsafe(
      `DELETE FROM ${q(table)} WHERE ${q(key)} IN (SELECT ${q(key)} FROM ${q(table)} WHERE ${q(column)} < ${p.add(cutoff)} LIMIT ${CHUNK})`,
      ...p.values,
    );
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}
