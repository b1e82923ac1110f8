/** Small statistics shared by the benchmarks. */

/** The median (upper middle for an even count); `empty` when there are no samples. */
export function median(xs: readonly number[], empty = 0): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? empty;
}

/** A ratio as a percentage with one decimal (0.0734 → 7.3). */
export const pct = (x: number) => Math.round(x * 1000) / 10;

/**
 * A percentile bootstrap confidence interval of the median of `xs` (resampled with replacement; a
 * fixed-seed generator, so a run's figures are reproducible from its samples).
 *
 * @example bootstrapMedianInterval([1.02, 0.99, 1.04], 0.9) // → [0.99, 1.04]
 */
export function bootstrapMedianInterval(xs: readonly number[], level = 0.9, resamples = 4000): [number, number] {
  if (xs.length === 0) return [0, 0];
  const random = seededRandom();
  const medians: number[] = [];
  const sample = new Array<number>(xs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < xs.length; i++) sample[i] = xs[Math.floor(random() * xs.length)] as number;
    medians.push(median(sample));
  }
  return centralInterval(medians, level);
}

/**
 * The central `level` interval of bootstrap estimates (percentile method): sorts them in place.
 *
 * @example centralInterval([3, 1, 2, 4], 0.5) // → [2, 3]
 */
export function centralInterval(estimates: number[], level: number): [number, number] {
  estimates.sort((a, b) => a - b);
  const n = estimates.length;
  const tail = (1 - level) / 2;
  return [estimates[Math.floor(tail * n)] as number, estimates[Math.ceil((1 - tail) * n) - 1] as number];
}

/**
 * A fixed-seed generator of uniform numbers in [0, 1) (mulberry32), for bootstraps whose figures must be
 * reproducible from their samples. @example const random = seededRandom(); random() // 0.…
 */
export function seededRandom(seed = 0x9e3779b9): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An overhead in % (one decimal) with its 90 % bootstrap interval. */
export interface Overhead {
  pct: number;
  low: number;
  high: number;
}

/**
 * Telemetry-style on/off overhead from rounds run in alternating order (off then on, then on then off,
 * …): each two consecutive rounds form one ABBA block, whose ratio is (on₁ + on₂) / (off₁ + off₂), so
 * an order effect (the second mode of a round paying for the first one's garbage, say) cancels inside
 * the block instead of splitting the ratios into two groups; the median of the block ratios, minus one,
 * with its bootstrap interval. Samples must be in round order, one pair per round.
 *
 * A block with a missing sample (NaN: a slice in which no response arrived, say) is left out: sorted
 * among numbers, a NaN would scramble the median and its interval (a median outside its own interval).
 *
 * @example abbaOverheadPct([102, 104], [100, 100]) // → { pct: 3, low: 3, high: 3 }
 */
export function abbaOverheadPct(on: readonly number[], off: readonly number[]): Overhead {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < on.length && i + 1 < off.length; i += 2) {
    const ratio = ((on[i] as number) + (on[i + 1] as number)) / ((off[i] as number) + (off[i + 1] as number));
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  if (ratios.length === 0) return { pct: 0, low: 0, high: 0 };
  const [low, high] = bootstrapMedianInterval(ratios);
  return { pct: pct(median(ratios) - 1), low: pct(low - 1), high: pct(high - 1) };
}

/**
 * The median of the per-block differences `(b₁ + b₂ − a₁ − a₂) / 2` of two modes measured in alternating
 * rounds, with its 90 % bootstrap interval.
 *
 * @example abbaDifference([12, 12], [10, 10]) // → { ns: 2, low: 2, high: 2 }
 */
export function abbaDifference(b: readonly number[], a: readonly number[]): { ns: number; low: number; high: number } {
  const blocks: number[] = [];
  for (let i = 0; i + 1 < a.length && i + 1 < b.length; i += 2) {
    const block = ((b[i] as number) + (b[i + 1] as number) - (a[i] as number) - (a[i + 1] as number)) / 2;
    if (Number.isFinite(block)) blocks.push(block); // a missing sample: see abbaOverheadPct
  }
  const [low, high] = bootstrapMedianInterval(blocks);
  return { ns: Math.round(median(blocks)), low: Math.round(low), high: Math.round(high) };
}
