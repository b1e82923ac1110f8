import "server-only";
import type { Db, Tx } from "../db";
import { isPostgres } from "../env";
import type { StreamEvent } from "./format";

/**
 * The outbox is the audit trail itself, read through a per-sink cursor (AuditSink.auditCursor over
 * AuditEvent.seq). That is gap-free: every audit append holds one advisory lock until its transaction
 * commits (lib/server/audit.ts), so seq order is commit order and a row never appears behind a cursor
 * that already passed it. Denials come from the raw telemetry (TelemetryEvent.id, denialCursor), whose
 * inserts are concurrent on PostgreSQL: an id can commit after a higher one. So denials are read only up
 * to a horizon: the highest id seen at least INGEST_SETTLE_MS ago, longer than an ingest transaction may
 * live (30 s), so every id at or below it is committed or rolled back by then. SQLite has one writer.
 */
export const INGEST_SETTLE_MS = 35_000;
export const MAX_BATCH_BYTES = 900 * 1024;
const samples: { at: number; maxId: number }[] = [];

const toJson = (v: string | null): unknown => {
  if (v === null) return null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

export async function maxDenialId(client: Db | Tx): Promise<number> {
  const r = await client.telemetryEvent.aggregate({ _max: { id: true } });
  return r._max.id ?? 0;
}
export async function maxAuditSeq(client: Db | Tx): Promise<number> {
  const r = await client.auditEvent.aggregate({ _max: { seq: true } });
  return r._max.seq ?? 0;
}

/** The highest telemetry id that is safe to read past (see above). */
export async function denialHorizon(client: Db | Tx, now = Date.now(), settleMs = INGEST_SETTLE_MS): Promise<number> {
  const current = await maxDenialId(client);
  if (!isPostgres()) return current;
  samples.push({ at: now, maxId: current });
  let horizon = 0;
  while (samples.length > 1 && (samples[1]?.at ?? now) <= now - settleMs) samples.shift();
  const oldest = samples[0];
  if (oldest && oldest.at <= now - settleMs) horizon = oldest.maxId;
  if (samples.length > 1000) samples.splice(1, samples.length - 500);
  return horizon;
}

export interface Cursors {
  audit: number;
  denial: number;
}
export interface Batch {
  events: StreamEvent[];
  next: Cursors;
}

/** The next events after the cursors, in order (audit by seq, denials by id, merged by time). */
export async function readBatch(
  client: Db | Tx,
  from: Cursors,
  opts: { includeDenials: boolean; denialHorizon: number; limit: number; maxBytes?: number },
): Promise<Batch> {
  const audits = await client.auditEvent.findMany({
    where: { seq: { gt: from.audit } },
    orderBy: { seq: "asc" },
    take: opts.limit,
  });
  const denials =
    opts.includeDenials && opts.denialHorizon > from.denial
      ? await client.telemetryEvent.findMany({
          where: { id: { gt: from.denial, lte: opts.denialHorizon }, type: "decision", outcome: "deny" },
          orderBy: { id: "asc" },
          take: opts.limit,
        })
      : [];
  const a: StreamEvent[] = audits.map((r) => ({
    id: `audit-${r.seq}`,
    type: "audit",
    time: r.at.toISOString(),
    seq: r.seq,
    action: r.action,
    actor: { id: r.actorId, email: r.actorEmail },
    ...(r.apiTokenId ? { apiTokenId: r.apiTokenId } : {}),
    target: { type: r.targetType, id: r.targetId },
    before: toJson(r.before),
    after: toJson(r.after),
    requestId: r.requestId,
    ip: r.ip,
    hash: r.hash,
  }));
  const d: StreamEvent[] = denials.map((r) => ({
    id: `denial-${r.id}`,
    type: "denial",
    time: r.at.toISOString(),
    resourceId: r.resourceId,
    instanceId: r.instanceId,
    reason: r.reason,
    clientId: r.clientId,
    subject: r.subject,
    tool: r.tool,
    method: r.method,
  }));
  // Merge by time; each source keeps its own order (ties: audit first).
  const events: StreamEvent[] = [];
  let i = 0;
  let j = 0;
  // A batch stays under maxBytes (receivers often cap request bodies near 1 MB),
  // always at least one event; the cursors move only past what the batch holds.
  let bytes = 0;
  const next = { ...from };
  while (i < a.length || j < d.length) {
    const x = a[i];
    const y = d[j];
    const takeAudit = x !== undefined && (!y || x.time <= y.time);
    const e = takeAudit ? x : y;
    if (!e) break;
    bytes += Buffer.byteLength(JSON.stringify(e)) + 200; // + the envelope of the wire format
    if (events.length > 0 && bytes > (opts.maxBytes ?? MAX_BATCH_BYTES)) break;
    events.push(e);
    if (takeAudit) next.audit = audits[i++]?.seq ?? next.audit;
    else next.denial = denials[j++]?.id ?? next.denial;
  }
  return { events, next };
}
