/**
 * Small transport helpers of the config client: a size-capped body reader and the retry delay.
 */

/**
 * The response text, or `undefined` past `max` bytes (the stream is cancelled: a hostile peer cannot fill memory).
 *
 * @example
 * const jws = await readTextLimited(res, 5 * 1024 * 1024);
 */
export async function readTextLimited(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString("utf8");
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}

/**
 * Exponential backoff with jitter after `failures` consecutive errors: uniformly random between `minMs`
 * and min(maxMs, minMs × 2^failures), so a fleet that lost the control plane does not come back in step.
 *
 * @example
 * setTimeout(retry, jitteredBackoff(3, 500, 30_000)); // somewhere in 500..4000 ms
 */
export function jitteredBackoff(failures: number, minMs: number, maxMs: number): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(failures, 16));
  return minMs + Math.random() * Math.max(0, cap - minMs);
}
