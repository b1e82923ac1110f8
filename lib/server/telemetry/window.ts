import "server-only";
import { RANGES, type RangeKey } from "@/lib/schemas/telemetry";

/**
 * Time windows of the Overview, in epoch minutes. A window is `points` steps of `step` minutes ending
 * with the current step; timelines read the rollup grain of the range, grouped by step in SQL.
 * Totals over the window (KPIs, top tools and clients, OBO percentiles) read the coarsest whole
 * buckets that fit: days, then hours, then minutes only at the edges, so a 30-day total reads ~30
 * daily rows per series instead of 43,200 minute rows, and stays exact.
 */
export interface OverviewWindow {
  grain: number;
  step: number;
  points: number;
  start: number;
  end: number;
}

export function overviewWindow(range: RangeKey, now: Date): OverviewWindow {
  const { minutes, grain, step } = RANGES[range];
  const nowMinute = Math.floor(now.getTime() / 60_000);
  const points = Math.ceil(minutes / step);
  const lastStart = nowMinute - (nowMinute % step);
  const start = lastStart - (points - 1) * step;
  return { grain, step, points, start, end: lastStart + step };
}

export interface Span {
  grain: number;
  from: number;
  to: number;
}

/** Splits [start, end) into whole buckets of the coarsest grains: days, then hours, then minutes. */
export function coveringSpans(start: number, end: number, grains: readonly number[] = [1440, 60, 1]): Span[] {
  const out: Span[] = [];
  const split = (a: number, b: number, [g, ...finer]: readonly number[]) => {
    if (a >= b || g === undefined) return;
    const from = finer.length ? Math.ceil(a / g) * g : a;
    const to = finer.length ? Math.floor(b / g) * g : b;
    if (from >= to) return split(a, b, finer);
    out.push({ grain: g, from, to });
    split(a, from, finer);
    split(to, b, finer);
  };
  split(start, end, grains);
  return out.sort((x, y) => x.from - y.from);
}
