/** Small statistics shared by the benchmarks. */

/** The median (upper middle for an even count); `empty` when there are no samples. */
export function median(xs: readonly number[], empty = 0): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? empty;
}

/**
 * Paired overhead: each `on` sample against the `off` sample measured right beside it, so drift in the
 * machine's load cancels out; the median of those ratios, minus one.
 */
export function pairedOverhead(on: readonly number[], off: readonly number[]): number {
  return median(on.map((v, i) => v / (off[i] ?? v))) - 1;
}

/** A ratio as a percentage with one decimal (0.0734 → 7.3). */
export const pct = (x: number) => Math.round(x * 1000) / 10;
