import "server-only";
import { promisify } from "node:util";
import { gunzip as gunzipCallback } from "node:zlib";
import { errorResponse, json, readLimitedBytes } from "../api";
import { authenticateEnforcer } from "../enforcer-auth";
import { env, isPostgres } from "../env";
import { AppError } from "../errors";
import { contextFromHeaders } from "../request-context";
import { createGate, type Gate } from "./gate";
import { ingestBatch } from "./ingest";
import { touchInstance } from "./instances";
import { IDEMPOTENCY_KEY, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, parseBatch } from "./wire";

const gunzip = promisify(gunzipCallback);

const globalGate = globalThis as unknown as { portcullisTelemetryGate?: Gate };

/** The process-wide gate. SQLite serializes writers, so more than two at once only queues in the driver. */
export function telemetryGate(): Gate {
  globalGate.portcullisTelemetryGate ??= createGate({
    maxActive: isPostgres() ? 4 : 2,
    maxWaiting: 16,
    maxWaitMs: 5_000,
    retryAfterSec: 2,
  });
  return globalGate.portcullisTelemetryGate;
}

/**
 * `POST /api/v1/telemetry`, the enforcer's telemetry intake. Order matters: authenticate (cheap,
 * indexed), refuse oversized bodies by Content-Length, take an ingest slot (or 429), then read,
 * inflate (bounded: a gzip bomb stops at MAX_BATCH_BYTES) and validate, then store.
 */
export async function receiveTelemetry(request: Request, gate: Gate = telemetryGate()): Promise<Response> {
  const { requestId } = contextFromHeaders(request.headers);
  try {
    const identity = await authenticateEnforcer(request);
    const key = request.headers.get("idempotency-key") ?? "";
    if (!IDEMPOTENCY_KEY.test(key))
      throw new AppError("bad_request", "Send an Idempotency-Key header: 8-128 characters of A-Z a-z 0-9 . _ : -");
    const type = request.headers.get("content-type") ?? "";
    if (!type.includes("application/json")) throw new AppError("unsupported_media_type", "Send application/json.");
    if (Number(request.headers.get("content-length") ?? "0") > MAX_BATCH_BYTES) throw tooLarge();
    const release = await gate.acquire();
    try {
      const raw = await readBody(request);
      const now = Date.now();
      const batch = parseBatchJson(raw, now);
      const instanceId = batch.instance?.id ?? "";
      const result =
        batch.events.length > 0
          ? await ingestBatch({
              resourceId: identity.resourceId,
              idempotencyKey: key,
              instanceId,
              events: batch.events,
              credentialId: identity.credentialId,
            })
          : { stored: 0, duplicate: false, folded: 0 };
      if (batch.instance) await touchInstance(identity.resourceId, batch.instance, now);
      return json({
        accepted: result.stored,
        duplicate: result.duplicate,
        folded: result.folded,
        rejectedCount: batch.rejectedCount,
        rejected: batch.rejected,
      });
    } finally {
      release();
    }
  } catch (err) {
    return errorResponse(err, requestId);
  }
}

function tooLarge(): AppError {
  return new AppError(
    "payload_too_large",
    `A batch holds at most ${MAX_BATCH_EVENTS} events and ${MAX_BATCH_BYTES} bytes (uncompressed).`,
  );
}

async function readBody(request: Request): Promise<Buffer> {
  const text = await readLimitedBytes(request, MAX_BATCH_BYTES, tooLarge);
  const encoding = (request.headers.get("content-encoding") ?? "identity").toLowerCase();
  if (encoding === "identity") return text;
  if (encoding !== "gzip") throw new AppError("unsupported_media_type", "Content-Encoding must be gzip or absent.");
  try {
    return await gunzip(text, { maxOutputLength: MAX_BATCH_BYTES });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge();
    throw new AppError("bad_request", "The body is not valid gzip.");
  }
}

function parseBatchJson(raw: Buffer, now: number) {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  return parseBatch(body, { now, maxAgeMs: env().ROLLUP_RETENTION_DAYS * 86_400_000 });
}
