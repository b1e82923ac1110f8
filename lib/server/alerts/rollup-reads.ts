import "server-only";
import type { Tx } from "../db";
import { HIST_BUCKETS } from "../telemetry/rows";
import { Params, q } from "../telemetry/sql";

/** The alert evaluator's reads of the per-minute and hourly rollups (grouped, on the primary key). */
export type Row = Record<string, unknown>;
export const num = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));

export interface RollupQuery {
  grain: number;
  type: string;
  dim: string;
  fromBucket: number; // exclusive
  toBucket: number; // inclusive
  outcome?: string;
  reasons?: string[];
  resourceId?: string;
  dimValues?: string[];
}

/** SUM(count) (and, when asked, the histogram) grouped by `by`, over one primary-key range. */
export async function rollupSums(c: Tx, o: RollupQuery, by: string[], hist = false): Promise<Row[]> {
  const p = new Params();
  const where = [
    `${q("grain")} = ${p.add(o.grain)}`,
    `${q("type")} = ${p.add(o.type)}`,
    `${q("dim")} = ${p.add(o.dim)}`,
    `${q("bucket")} > ${p.add(o.fromBucket)}`,
    `${q("bucket")} <= ${p.add(o.toBucket)}`,
  ];
  if (o.outcome !== undefined) where.push(`${q("outcome")} = ${p.add(o.outcome)}`);
  if (o.reasons?.length) where.push(`${q("reason")} IN (${o.reasons.map((r) => p.add(r)).join(",")})`);
  if (o.resourceId) where.push(`${q("resourceId")} = ${p.add(o.resourceId)}`);
  if (o.dimValues?.length) where.push(`${q("dimValue")} IN (${o.dimValues.map((v) => p.add(v)).join(",")})`);
  const cols = by.map((b) => q(b));
  const histCols = hist
    ? Array.from({ length: HIST_BUCKETS }, (_, i) => `, SUM(${q(`h${i}`)}) AS ${q(`h${i}`)}`).join("")
    : "";
  const sql = `SELECT ${[...cols, `SUM(${q("count")}) AS n`].join(", ")}${histCols} FROM ${q("TelemetryRollup")} WHERE ${where.join(" AND ")}${cols.length ? ` GROUP BY ${cols.join(", ")}` : ""}`;
  return c.$queryRawUnsafe<Row[]>(sql, ...p.values);
}

/** `rollupSums` with the same signature, shared by every rule of one evaluation cycle. */
export type RollupReader = (o: RollupQuery, by: string[], hist?: boolean) => Promise<Row[]>;

/**
 * One cycle's rollup reads, shared between rules. Rules of one kind, reason and window differ only in
 * their resource: a fleet rule and its 190 per-resource overrides all need the same sums grouped by
 * resource. So a read scoped to one resource is answered from the fleet-wide read of the same range
 * (made once, grouped by `resourceId`, every query here groups by it), filtered to that resource. Reads
 * are keyed by everything else in the query, so nothing is shared that differs; the memo lives for one
 * cycle only (the cycle's `now`, one consistent snapshot).
 */
export function createRollupReader(c: Tx): RollupReader {
  const memo = new Map<string, Promise<Row[]>>();
  return async (o, by, hist = false) => {
    if (!by.includes("resourceId")) return rollupSums(c, o, by, hist);
    const { resourceId, ...rest } = o;
    const key = JSON.stringify([rest, by, hist]);
    let rows = memo.get(key);
    if (rows === undefined) {
      rows = rollupSums(c, rest, by, hist);
      memo.set(key, rows);
    }
    const all = await rows;
    return resourceId ? all.filter((r) => r.resourceId === resourceId) : all;
  };
}
