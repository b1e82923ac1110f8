/**
 * Pure mapping from wire events to stored rows: one raw row per event, and its contributions to the
 * rollups, aggregated in memory per batch so a batch of 1,000 events costs a handful of upserts.
 */
import "server-only";
import { TELEMETRY_LATENCY_BUCKETS_MS } from "@/lib/enforcer/telemetry/metrics";
import type { WireEvent } from "./wire";

/** Rollup grains in minutes: per minute (short ranges, alerts), per hour and per day (long ranges). */
export const ROLLUP_GRAINS = [1, 60, 1440] as const;
export const HIST_BUCKETS = TELEMETRY_LATENCY_BUCKETS_MS.length + 1; // + the overflow bucket

export interface RawRow {
  at: Date;
  resourceId: string;
  instanceId: string;
  type: string;
  outcome: string;
  reason: string;
  clientId: string;
  subject: string;
  tool: string;
  method: string;
  latencyMs: number | null;
  data: string | null;
  /** Decisions: the client software (`clientInfo`) as `["name","version"]`, for the rollups only (not stored raw). */
  software?: string;
}

export interface RollupRow {
  grain: number;
  bucket: number;
  resourceId: string;
  type: string;
  outcome: string;
  reason: string;
  dim: "all" | "client" | "tool" | "downstream" | "software" | "obo_error";
  dimValue: string;
  count: number;
  latencySum: number;
  hist: number[];
}

const CACHE_HIT = JSON.stringify({ cacheHit: true });
const CACHE_MISS = JSON.stringify({ cacheHit: false });
const json = (o: Record<string, unknown>) => {
  const defined = Object.entries(o).filter(([, v]) => v !== undefined);
  return defined.length ? JSON.stringify(Object.fromEntries(defined)) : null;
};

/** The raw row of one event. Resource ids come from the credential, never from the event. */
export function toRawRow(e: WireEvent, resourceId: string, instanceId: string): RawRow {
  // Plain literals, no spreads: this runs for every ingested event.
  const at = new Date(e.at);
  switch (e.type) {
    case "decision":
      return {
        at,
        resourceId,
        instanceId,
        type: e.type,
        outcome: e.outcome,
        reason: e.outcome === "deny" ? (e.reason ?? "unknown") : "",
        clientId: e.clientId ?? "",
        subject: e.subject ?? "",
        tool: e.tool ?? "",
        method: e.method ?? "",
        latencyMs: e.latencyMs ?? null,
        data: e.cacheHit === undefined ? null : e.cacheHit ? CACHE_HIT : CACHE_MISS,
        software: e.clientName === undefined ? undefined : softwareKey(e.clientName, e.clientVersion),
      };
    case "jwks_refresh":
      return {
        at,
        resourceId,
        instanceId,
        type: e.type,
        outcome: e.outcome,
        reason: e.trigger,
        clientId: "",
        subject: "",
        tool: "",
        method: "",
        latencyMs: e.latencyMs,
        data: json({ issuer: e.issuer, keyCount: e.keyCount, error: e.error }),
      };
    case "obo_exchange":
      return {
        at,
        resourceId,
        instanceId,
        type: e.type,
        outcome: e.outcome,
        reason: e.cacheHit ? "cache_hit" : "exchange",
        clientId: "",
        subject: "",
        tool: e.downstream,
        method: "",
        latencyMs: e.latencyMs,
        data: e.error === undefined ? null : json({ error: e.error }),
      };
    case "rate_limit":
      return {
        at,
        resourceId,
        instanceId,
        type: e.type,
        outcome: "hit",
        reason: e.category,
        clientId: e.clientId,
        subject: "",
        tool: "",
        method: "",
        latencyMs: null,
        data: null,
      };
  }
}

/**
 * The rollup value of a client's `clientInfo`: a JSON pair, so names and versions with any printable character
 * stay apart. @example softwareKey("Claude Desktop", "2.4.1") // '["Claude Desktop","2.4.1"]'
 */
export function softwareKey(name: string, version: string | undefined): string {
  return JSON.stringify([name, version ?? ""]);
}

/** Distinct client-software values one batch adds per resource; more become "(other)" (bounded cardinality). */
export const MAX_SOFTWARE_PER_BATCH = 64;
const OTHER_SOFTWARE = softwareKey("(other)", undefined);

/** Index of the histogram bucket for a latency (the last one is "above 5000 ms"). */
export function histIndex(latencyMs: number): number {
  const i = TELEMETRY_LATENCY_BUCKETS_MS.findIndex((le) => latencyMs <= le);
  return i === -1 ? HIST_BUCKETS - 1 : i;
}

const SEP = "\u0001"; // wire strings are stripped of control characters, so this cannot collide

/**
 * Aggregates raw rows into rollup rows at every grain, sorted by key (a fixed lock order on upsert).
 * Each row adds to its "all" projection (keeping the reason) and, when it has one, to its client, tool
 * or downstream projection; decision client/tool rows drop the reason to stay narrow.
 */
export function buildRollups(rows: readonly RawRow[]): RollupRow[] {
  const acc = new Map<string, RollupRow>();
  const add = (r: RawRow, minute: number, h: number, dim: RollupRow["dim"], dimValue: string, reason: string) => {
    const tail = `${SEP}${r.type}${SEP}${dim}${SEP}${r.resourceId}${SEP}${r.outcome}${SEP}${reason}${SEP}${dimValue}`;
    for (const grain of ROLLUP_GRAINS) {
      const bucket = minute - (minute % grain);
      const key = `${grain}${SEP}${bucket}${tail}`;
      let row = acc.get(key);
      if (row === undefined) {
        row = {
          grain,
          bucket,
          resourceId: r.resourceId,
          type: r.type,
          outcome: r.outcome,
          reason,
          dim,
          dimValue,
          count: 0,
          latencySum: 0,
          hist: new Array<number>(HIST_BUCKETS).fill(0),
        };
        acc.set(key, row);
      }
      row.count++;
      if (h >= 0) {
        row.latencySum += r.latencyMs ?? 0;
        row.hist[h] = (row.hist[h] ?? 0) + 1;
      }
    }
  };
  const software = new Map<string, Set<string>>();
  const softwareOf = (r: RawRow, value: string) => {
    let seen = software.get(r.resourceId);
    if (!seen) {
      seen = new Set();
      software.set(r.resourceId, seen);
    }
    if (seen.has(value)) return value;
    if (seen.size >= MAX_SOFTWARE_PER_BATCH) return OTHER_SOFTWARE;
    seen.add(value);
    return value;
  };
  for (const r of rows) {
    const minute = Math.floor(r.at.getTime() / 60_000);
    const h = r.latencyMs === null ? -1 : histIndex(r.latencyMs);
    add(r, minute, h, "all", "", r.reason);
    if (r.type === "decision") {
      if (r.clientId) add(r, minute, h, "client", r.clientId, "");
      if (r.tool) add(r, minute, h, "tool", r.tool, "");
      if (r.software) add(r, minute, h, "software", softwareOf(r, r.software), "");
      // A verified-token cache miss is a token seen for the first time: the token-refresh alert's
      // per-client series (mcp_token_refresh_total on the enforcer). Its own type, so no chart sums it in.
      if (r.data === CACHE_MISS && r.outcome === "allow") {
        const token = { ...r, type: "new_token", outcome: "new", reason: "", latencyMs: null };
        add(token, minute, -1, "all", "", "");
        if (r.clientId) add(token, minute, -1, "client", r.clientId, "");
      }
    } else if (r.type === "rate_limit") {
      add(r, minute, h, "client", r.clientId, r.reason);
    } else if (r.type === "obo_exchange") {
      add(r, minute, h, "downstream", r.tool, r.reason);
      // Issue 13 #1: failed exchanges by the IdP's error code (or the OBO client's own), per downstream.
      if (r.outcome === "error") add(r, minute, -1, "obo_error", oboErrorCode(r.data), r.tool);
    }
  }
  return [...acc.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/**
 * The error code of a failed exchange, from the event's data. The IdP's `error` values (RFC 6749 §5.2, RFC 8693,
 * Entra) and the OBO client's own codes are kept; anything else the sender chose is folded into `other`.
 */
const OBO_ERROR_CODES = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "invalid_target",
  "interaction_required",
  "consent_required",
  "login_required",
  "temporarily_unavailable",
  "server_error",
  "unknown_downstream",
  "exchange_rejected",
  "idp_unavailable",
  "invalid_response",
  "exchange_failed",
  "secret_location_refused",
  "token_endpoint_refused",
]);
export function oboErrorCode(data: string | null): string {
  if (!data) return "unknown";
  try {
    const error = (JSON.parse(data) as { error?: unknown }).error;
    return typeof error === "string" && OBO_ERROR_CODES.has(error) ? error : "other";
  } catch {
    return "other";
  }
}
