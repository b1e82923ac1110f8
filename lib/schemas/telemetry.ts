import { z } from "zod";
import { checkDateInRange, IdCursor } from "./bounds";
import { parseSearchParams, type SearchParams } from "./search-params";

/** Dashboard ranges: window, rollup grain (minutes) and chart step (minutes). */
export const RANGES = {
  "15m": { label: "15 min", minutes: 15, grain: 1, step: 1 },
  "1h": { label: "1 hour", minutes: 60, grain: 1, step: 1 },
  "24h": { label: "24 hours", minutes: 1440, grain: 1, step: 15 },
  "7d": { label: "7 days", minutes: 10_080, grain: 60, step: 60 },
  "30d": { label: "30 days", minutes: 43_200, grain: 60, step: 360 },
} as const;
export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);

export const OverviewQuery = z.object({
  range: z.enum(RANGE_KEYS as [RangeKey, ...RangeKey[]]).default("24h"),
  resource: optionalText(100),
});
export type OverviewQuery = z.infer<typeof OverviewQuery>;

export const EVENT_TYPES = ["decision", "jwks_refresh", "obo_exchange", "rate_limit"] as const;
export const EVENT_OUTCOMES = ["allow", "deny", "ok", "error", "hit"] as const;

/** `YYYY-MM-DDTHH:mm` (a datetime-local input, read as UTC) or a full ISO timestamp. */
const when = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v;
    const t = Date.parse(iso);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: "custom", message: "Enter a date and time." });
      return z.NEVER;
    }
    const d = new Date(t);
    return checkDateInRange(d, ctx) ? d : z.NEVER;
  });

/** Events explorer filters (URL search params and the JSON/CSV routes share them). */
export const EventFilter = z.object({
  resource: optionalText(100),
  type: z
    .enum(EVENT_TYPES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  outcome: z
    .enum(EVENT_OUTCOMES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  reason: optionalText(64),
  client: optionalText(256),
  subject: optionalText(256),
  tool: optionalText(128),
  range: z.enum(["15m", "1h", "24h", "7d", "all"]).default("24h"),
  from: when,
  to: when,
  cursor: IdCursor.optional(),
});
export type EventFilter = z.infer<typeof EventFilter>;
export type EventFilterInput = z.input<typeof EventFilter>;

/** Parses URL search params; invalid filters fall back to defaults (see `parseSearchParams`). */
export function parseEventFilter(params: SearchParams): { filter: EventFilter; invalid: boolean } {
  const { value, invalid } = parseSearchParams(EventFilter, params);
  return { filter: value, invalid };
}

// ── DTOs the server hands to the dashboard's client leaves (plain JSON) ──

/** Overview dashboard data: KPIs and chart series for one range (and optionally one resource). */
export interface OverviewData {
  range: RangeKey;
  resourceId: string | null;
  from: string;
  to: string;
  stepMinutes: number;
  kpis: {
    requests: number;
    allowed: number;
    denied: number;
    successRate: number | null;
    /** Tool calls the enforcers allowed. */
    toolCalls: number;
    /** Every tool call attempted (allowed + denied), issue 13 #14. */
    toolCallsTotal: number;
    activeClients: number;
    rateLimitHits: number;
    /** Instances seen (heartbeat, config poll or telemetry) in the last 2 minutes, whatever the range. */
    enforcersOnline: number;
  };
  /** One point per step: `allowed` plus one key per deny reason (see `reasons`). */
  auth: { t: string; allowed: number; [reason: string]: number | string }[];
  /** Deny reasons, most frequent first, with their totals over the range. */
  reasons: string[];
  reasonTotals: { reason: string; count: number }[];
  jwks: { t: string; scheduled: number; forced: number; initial: number; errors: number }[];
  obo: {
    downstream: string;
    exchanges: number;
    errors: number;
    p50: number | null;
    p95: number | null;
    p99: number | null;
    overflow: boolean;
  }[];
  /** p95 and p99 per step of the busiest downstreams' IdP round trips: keys `<downstream> p95` / `p99` (issue 13 #1). */
  oboSeries: { t: string; [series: string]: number | string | null }[];
  oboSeriesDownstreams: string[];
  /** Exchanges answered from the OBO client's cache vs IdP round trips, per downstream. */
  oboCache: { downstream: string; cacheHits: number; exchanges: number; hitRatio: number | null }[];
  /** Failed exchanges by error code (the IdP's OAuth `error`, or the OBO client's own code). */
  oboErrors: { code: string; count: number }[];
  tools: { tool: string; allowed: number; denied: number }[];
  rateLimits: { client: string; hits: number }[];
  /** Client software calling (MCP `clientInfo` name and version, issue 22), most requests first. */
  clientSoftware: { name: string; version: string; requests: number }[];
  /** True when no telemetry was ever received (for this resource): show how to connect an enforcer. */
  neverReceived: boolean;
}

/** One raw telemetry event, as the explorer shows it. */
export interface EventDto {
  id: number;
  at: string;
  resourceId: string;
  resourceName: string;
  instanceId: string;
  type: string;
  outcome: string;
  reason: string;
  clientId: string;
  subject: string;
  tool: string;
  method: string;
  latencyMs: number | null;
  data: Record<string, unknown> | null;
}
