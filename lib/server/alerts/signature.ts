import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures, as Stripe and Slack do them: HMAC-SHA256 over `<timestamp>.<raw body>` with
 * the channel's signing secret, sent as `Portcullis-Signature: t=<unix seconds>,v1=<hex>`. The
 * timestamp is inside the MAC, so a receiver that refuses stale timestamps also refuses replays.
 * No `server-only`: receivers (and tests) import the verifier.
 */
export const SIGNATURE_HEADER = "portcullis-signature";
export const DEFAULT_TOLERANCE_SEC = 300;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signPayload(secret: string, body: string, timestampSec: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest("hex");
  return `t=${timestampSec},v1=${mac}`;
}

export type VerifyResult = { ok: true; timestampSec: number } | { ok: false; reason: string };

/**
 * Verify a delivery: header format, timestamp within `toleranceSec` of `nowSec`, constant-time MAC.
 * @example verifySignature(secret, req.headers["portcullis-signature"], rawBody) // { ok: true, … }
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowSec = Math.floor(Date.now() / 1000),
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): VerifyResult {
  const parts = new Map((header ?? "").split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: "malformed signature header" };
  if (Math.abs(nowSec - t) > toleranceSec) return { ok: false, reason: "timestamp outside the tolerance (replay?)" };
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  if (!timingSafeEqual(expected, Buffer.from(v1))) return { ok: false, reason: "signature mismatch" };
  return { ok: true, timestampSec: t };
}
