import "server-only";
import { db, type Tx } from "../db";
import { foldExcessValues } from "./cardinality";
import { recordFleetMetrics, recordFolded } from "./fleet-metrics";
import { buildRollups, HIST_BUCKETS, type RawRow, type RollupRow, toRawRow } from "./rows";
import { chunk, insertFromJson, type JsonColumn, Params, q } from "./sql";
import type { WireEvent } from "./wire";

/**
 * Stores one telemetry batch: the idempotency row, the raw events and the rollup increments in ONE
 * transaction, so a replayed batch is stored once (the TelemetryBatch primary key is claimed first,
 * `ON CONFLICT DO NOTHING`) and the rollups always agree with the raw events they summarize.
 */
export interface IngestInput {
  resourceId: string;
  idempotencyKey: string;
  instanceId: string;
  events: readonly WireEvent[];
  /** The sending credential: its new distinct values per window are capped (issue 10 #12). */
  credentialId?: string;
}

export interface IngestResult {
  stored: number;
  duplicate: boolean;
  /** Client ids, tools and downstreams stored as "other" because of the cardinality caps. */
  folded: number;
}

const HIST_COLUMNS = Array.from({ length: HIST_BUCKETS }, (_, i) => `h${i}`);
const ROLLUP_KEY = ["grain", "type", "dim", "bucket", "resourceId", "outcome", "reason", "dimValue"];
const ROLLUP_COLUMNS: JsonColumn[] = [
  ...ROLLUP_KEY.map((name): JsonColumn => ({ name, pg: name === "grain" || name === "bucket" ? "int" : "text" })),
  { name: "count", pg: "int" },
  { name: "latencySum", pg: "float8" },
  ...HIST_COLUMNS.map((name): JsonColumn => ({ name, pg: "int" })),
];
const CHUNK_ROWS = 5_000;

export async function ingestBatch(input: IngestInput, now = new Date()): Promise<IngestResult> {
  const rows = input.events.map((e) => toRawRow(e, input.resourceId, input.instanceId));
  const foldedBy = await foldExcessValues(rows, input.resourceId, input.credentialId ?? "");
  const folded = foldedBy.client + foldedBy.tool + foldedBy.downstream;
  const rollups = buildRollups(rows);
  const result = await db().$transaction(
    async (tx): Promise<IngestResult> => {
      const p = new Params();
      const claimed = await tx.$executeRawUnsafe(
        `INSERT INTO ${q("TelemetryBatch")} (${q("id")}, ${q("resourceId")}, ${q("eventCount")}, ${q("receivedAt")})
         VALUES (${p.add(batchId(input.resourceId, input.idempotencyKey))}, ${p.add(input.resourceId)}, ${p.add(rows.length)}, ${p.add(now)})
         ON CONFLICT (${q("id")}) DO NOTHING`,
        ...p.values,
      );
      if (claimed === 0) return { stored: 0, duplicate: true, folded: 0 };
      await insertRaw(tx, rows);
      await upsertRollups(tx, rollups);
      return { stored: rows.length, duplicate: false, folded };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  if (!result.duplicate) {
    recordFleetMetrics(rollups); // after commit: a rolled-back batch counts nothing
    recordFolded(input.resourceId, foldedBy);
  }
  return result;
}

/** Idempotency is per resource: two resources may pick the same key. */
export const batchId = (resourceId: string, key: string) => `${resourceId}:${key}`;

/** One JSON parameter per chunk; the resource and instance, the same for the whole batch, bound once. */
export async function insertRaw(tx: Tx, rows: readonly RawRow[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns: JsonColumn[] = [
    { name: "resourceId", constant: first.resourceId },
    { name: "instanceId", constant: first.instanceId },
    { name: "at", epochMs: true },
    ...["type", "outcome", "reason", "clientId", "subject", "tool", "method"].map(
      (name): JsonColumn => ({ name, pg: "text" }),
    ),
    { name: "latencyMs", pg: "float8" },
    { name: "data", pg: "text" },
  ];
  for (const part of chunk(rows, CHUNK_ROWS)) {
    if (part.some((r) => r.resourceId !== first.resourceId || r.instanceId !== first.instanceId))
      throw new Error("insertRaw: one resource and instance per call");
    const { sql, values } = insertFromJson(
      "TelemetryEvent",
      columns,
      part.map((r) => [
        r.at.getTime(),
        r.type,
        r.outcome,
        r.reason,
        r.clientId,
        r.subject,
        r.tool,
        r.method,
        r.latencyMs,
        r.data,
      ]),
    );
    await tx.$executeRawUnsafe(sql, ...values);
  }
}

/** `INSERT … ON CONFLICT DO UPDATE` adding counts and histogram buckets (SQLite ≥ 3.24 and PostgreSQL). */
export async function upsertRollups(tx: Tx, rollups: readonly RollupRow[]): Promise<void> {
  const table = q("TelemetryRollup");
  const additive = ["count", "latencySum", ...HIST_COLUMNS]
    .map((c) => `${q(c)} = ${table}.${q(c)} + excluded.${q(c)}`)
    .join(", ");
  for (const part of chunk(rollups, CHUNK_ROWS)) {
    const { sql, values } = insertFromJson(
      "TelemetryRollup",
      ROLLUP_COLUMNS,
      part.map((r) => [
        r.grain,
        r.type,
        r.dim,
        r.bucket,
        r.resourceId,
        r.outcome,
        r.reason,
        r.dimValue,
        r.count,
        r.latencySum,
        ...r.hist,
      ]),
    );
    await tx.$executeRawUnsafe(
      `${sql} ON CONFLICT (${ROLLUP_KEY.map(q).join(",")}) DO UPDATE SET ${additive}`,
      ...values,
    );
  }
}
