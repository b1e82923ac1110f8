import { receiveTelemetry } from "@/lib/server/telemetry/receive";

export const dynamic = "force-dynamic";

/**
 * Enforcer telemetry intake: batches of ≤ 1,000 events, gzip or plain JSON, one Idempotency-Key per
 * batch, authenticated by the resource's enforcer credential. 413 oversized, 429 + Retry-After busy.
 */
export function POST(request: Request): Promise<Response> {
  return receiveTelemetry(request);
}
