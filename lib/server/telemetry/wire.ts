import "server-only";
import { z } from "zod";
import { type DecisionColumns, decodeDecisionColumns } from "@/lib/enforcer/telemetry/wire";
import { AppError } from "@/lib/server/errors";

/**
 * The telemetry wire format (`POST /api/v1/telemetry`), as the enforcer's telemetry client sends it:
 * `{ instance?: { id, host, moduleVersion }, events: TelemetryEvent[], decisions?: DecisionColumns }`
 * (decision events as columns, see lib/enforcer/telemetry/wire.ts; decoded here into the same objects).
 * Every string is bounded and stripped of control characters (they end up in HTML, CSV and Prometheus
 * labels). Events are validated one by one: a bad one is reported and skipped, it does not sink its
 * 999 neighbours.
 */
export const MAX_BATCH_EVENTS = 1000;
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;
// test() first: almost no value holds one, and replace() would allocate a new string every time.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((v) => (HAS_CONTROL.test(v) ? v.replace(CONTROL, "") : v));
const code = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "a lower_snake_case code");
const latency = z.number().min(0).max(3_600_000);
const at = z.number().int().min(0);

const Decision = z.object({
  type: z.literal("decision"),
  at,
  outcome: z.enum(["allow", "deny"]),
  reason: code.optional(),
  resource: text(2000).optional(),
  clientId: text(256).optional(),
  subject: text(256).optional(),
  method: text(128).optional(),
  tool: text(128).optional(),
  // Absent (or null) for a decision the enforcer did not time (it times at most 32 per 100 ms at saturation).
  latencyMs: latency.nullish(),
  cacheHit: z.boolean().optional(),
  // The request's MCP clientInfo (issue 22): optional, so batches of older enforcers validate as before.
  clientName: text(64).optional(),
  clientVersion: text(32).optional(),
});

const JwksRefresh = z.object({
  type: z.literal("jwks_refresh"),
  at,
  trigger: z.enum(["scheduled", "forced", "initial"]),
  outcome: z.enum(["ok", "error"]),
  keyCount: z.number().int().min(0).max(100_000).optional(),
  error: text(500).optional(),
  issuer: text(500),
  latencyMs: latency,
});

const OboExchange = z.object({
  type: z.literal("obo_exchange"),
  at,
  downstream: text(100),
  outcome: z.enum(["ok", "error"]),
  cacheHit: z.boolean(),
  latencyMs: latency,
  error: text(500).optional(),
});

const RateLimit = z.object({
  type: z.literal("rate_limit"),
  at,
  clientId: text(256),
  category: z.enum(["tool", "resource", "failed_auth", "token_refresh"]),
  resource: text(2000).optional(),
});

export const WireEvent = z.discriminatedUnion("type", [Decision, JwksRefresh, OboExchange, RateLimit]);
export type WireEvent = z.infer<typeof WireEvent>;

export const WireInstance = z.object({
  // Same alphabet as the config heartbeat (lib/schemas/enforcers.ts), so one id serves both.
  id: z.string().regex(/^[\w.:@-]{1,100}$/, "1-100 letters, digits and . _ : @ -"),
  host: text(200).default(""),
  moduleVersion: text(50).default(""),
});
export type WireInstance = z.infer<typeof WireInstance>;

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface ParsedBatch {
  instance: WireInstance | undefined;
  events: WireEvent[];
  /** Indexes and messages of skipped events (the first 20). */
  rejected: { index: number; message: string }[];
  rejectedCount: number;
}

/** Validates the envelope strictly and each event on its own. Throws ZodError (→ 422) for a bad envelope. */
/** The batch envelope (also documented in the OpenAPI document): events row-wise or decisions column-wise. */
export const TelemetryEnvelope = z.object({
  instance: WireInstance.optional(),
  events: z.array(z.unknown()).default([]),
  decisions: z.record(z.string(), z.unknown()).optional(),
});

export function parseBatch(raw: unknown, opts: { now: number; maxAgeMs: number }): ParsedBatch {
  const envelope = TelemetryEnvelope.parse(raw);
  let candidates = envelope.events;
  if (envelope.decisions) {
    let decoded: unknown[];
    try {
      decoded = decodeDecisionColumns(envelope.decisions as unknown as DecisionColumns, MAX_BATCH_EVENTS);
    } catch (err) {
      throw new AppError("invalid_input", `The decision columns are malformed: ${(err as Error).message}.`);
    }
    candidates = [...decoded, ...candidates];
  }
  if (candidates.length > MAX_BATCH_EVENTS)
    throw new AppError(
      "payload_too_large",
      `A batch holds at most ${MAX_BATCH_EVENTS} events and ${MAX_BATCH_BYTES} bytes (uncompressed).`,
    );
  const events: WireEvent[] = [];
  const rejected: ParsedBatch["rejected"] = [];
  let rejectedCount = 0;
  candidates.forEach((candidate, index) => {
    const parsed = WireEvent.safeParse(candidate);
    let message: string | undefined;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      message = `${issue?.path.join(".") || "event"}: ${issue?.message ?? "invalid"}`;
    } else if (parsed.data.at < opts.now - opts.maxAgeMs || parsed.data.at > opts.now + 5 * 60_000) {
      // Older than rollup retention would be pruned at once; far future would pollute charts.
      message = "at: outside the accepted time window";
    } else {
      events.push(parsed.data);
      return;
    }
    rejectedCount++;
    if (rejected.length < 20) rejected.push({ index, message });
  });
  return { instance: envelope.instance, events, rejected, rejectedCount };
}
