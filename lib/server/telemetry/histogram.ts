import "server-only";
import { TELEMETRY_LATENCY_BUCKETS_MS } from "@/lib/enforcer/telemetry/metrics";

/**
 * Quantiles from bucket counts, as Prometheus' histogram_quantile does: find the bucket holding the
 * rank, interpolate linearly inside it. Above the last finite bound the answer is that bound (the
 * overflow bucket has no upper edge), flagged so the UI can show "> 5000 ms".
 */
export interface Quantile {
  ms: number;
  overflow: boolean;
}

export function quantile(q: number, counts: readonly number[]): Quantile | null {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (seen + c >= rank && c > 0) {
      const upper = TELEMETRY_LATENCY_BUCKETS_MS[i];
      if (upper === undefined) return { ms: TELEMETRY_LATENCY_BUCKETS_MS.at(-1) ?? 0, overflow: true };
      const lower = i === 0 ? 0 : (TELEMETRY_LATENCY_BUCKETS_MS[i - 1] ?? 0);
      return { ms: Math.round((lower + ((upper - lower) * (rank - seen)) / c) * 10) / 10, overflow: false };
    }
    seen += c;
  }
  return null;
}
