import "server-only";
import type { EventDto, EventFilter } from "@/lib/schemas/telemetry";

import { type Db, db } from "../db";
import { csvLine } from "./csv";

/**
 * The events explorer: raw events, newest first, keyset-paginated on id (`cursor` = the last id
 * seen; stable while new events arrive, unlike OFFSET), filtered by exact values. CSV export walks
 * the same query in pages and streams, capped at MAX_EXPORT_ROWS.
 */
export const EVENTS_PAGE_SIZE = 50;
export const MAX_EXPORT_ROWS = 100_000;
const RANGE_MS = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;

type Where = NonNullable<NonNullable<Parameters<Db["telemetryEvent"]["findMany"]>[0]>["where"]>;

export function eventWhere(f: EventFilter, now: Date): Where {
  const at: { gte?: Date; lt?: Date } = {};
  if (f.from) at.gte = f.from;
  else if (f.range !== "all") at.gte = new Date(now.getTime() - RANGE_MS[f.range]);
  if (f.to) at.lt = f.to;
  return {
    ...(f.resource ? { resourceId: f.resource } : {}),
    ...(f.type ? { type: f.type } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.client ? { clientId: f.client } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
    ...(f.tool ? { tool: f.tool } : {}),
    ...(at.gte || at.lt ? { at } : {}),
  };
}

async function page(f: EventFilter, now: Date, cursor: number | undefined, take: number) {
  return db().telemetryEvent.findMany({
    where: { ...eventWhere(f, now), ...(cursor ? { id: { lt: cursor } } : {}) },
    orderBy: { id: "desc" },
    take,
  });
}

async function resourceNames(): Promise<Map<string, string>> {
  const rows = await db().mcpResource.findMany({ select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

type Row = Awaited<ReturnType<typeof page>>[number];

function toDto(r: Row, names: Map<string, string>): EventDto {
  let data: Record<string, unknown> | null = null;
  try {
    data = r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null;
  } catch {
    data = { raw: r.data };
  }
  return {
    id: r.id,
    at: r.at.toISOString(),
    resourceId: r.resourceId,
    resourceName: names.get(r.resourceId) ?? r.resourceId,
    instanceId: r.instanceId,
    type: r.type,
    outcome: r.outcome,
    reason: r.reason,
    clientId: r.clientId,
    subject: r.subject,
    tool: r.tool,
    method: r.method,
    latencyMs: r.latencyMs,
    data,
  };
}

export async function listEvents(
  f: EventFilter,
  now = new Date(),
): Promise<{ events: EventDto[]; nextCursor: number | null }> {
  const [rows, names] = await Promise.all([page(f, now, f.cursor, EVENTS_PAGE_SIZE + 1), resourceNames()]);
  const events = rows.slice(0, EVENTS_PAGE_SIZE).map((r) => toDto(r, names));
  return { events, nextCursor: rows.length > EVENTS_PAGE_SIZE ? (events.at(-1)?.id ?? null) : null };
}

const CSV_HEADER = [
  "id",
  "at",
  "resource",
  "resource_id",
  "instance",
  "type",
  "outcome",
  "reason",
  "client_id",
  "subject",
  "tool",
  "method",
  "latency_ms",
  "data",
];

/** Streams the filtered set as CSV, 1,000 rows per query, pulled as the client reads (backpressure). */
export function exportEventsCsv(
  f: EventFilter,
  now = new Date(),
  maxRows = MAX_EXPORT_ROWS,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor = f.cursor;
  let sent = 0;
  let names: Map<string, string> | undefined;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      names = await resourceNames();
      controller.enqueue(encoder.encode(csvLine(CSV_HEADER)));
    },
    async pull(controller) {
      const take = Math.min(1000, maxRows - sent);
      const rows = take > 0 ? await page(f, now, cursor, take) : [];
      if (rows.length === 0) {
        controller.close();
        return;
      }
      let chunk = "";
      for (const r of rows) {
        const e = toDto(r, names ?? new Map());
        chunk += csvLine([
          e.id,
          e.at,
          e.resourceName,
          e.resourceId,
          e.instanceId,
          e.type,
          e.outcome,
          e.reason,
          e.clientId,
          e.subject,
          e.tool,
          e.method,
          e.latencyMs,
          e.data ? JSON.stringify(e.data) : "",
        ]);
      }
      sent += rows.length;
      cursor = rows.at(-1)?.id;
      controller.enqueue(encoder.encode(chunk));
      if (rows.length < take || sent >= maxRows) controller.close();
    },
  });
}

export async function listResourceOptions(): Promise<{ id: string; name: string }[]> {
  return db().mcpResource.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
}
