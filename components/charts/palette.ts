import { createElement, type ReactNode } from "react";

/**
 * Chart colours as theme tokens (app/globals.css --color-series-*): light and dark values, each at least 3:1
 * against the card surface. Colour is never the only difference: see patterns.tsx.
 */
export const SERIES_COLORS = Array.from({ length: 10 }, (_, i) => `var(--color-series-${i + 1})`);
export const OK_COLOR = "var(--color-series-ok)";
export const NEUTRAL_COLOR = "var(--color-series-neutral)";

/**
 * Tooltip styles from the theme tokens (globals.css): Recharts' default tooltip is white with the label in
 * the inherited colour, so in the dark theme the label was white on white; values were drawn in their series
 * colour (below 4.5:1 for several). Text is drawn in --color-fg on --color-surface; the swatch keeps the colour.
 */
export const TOOLTIP_STYLE = {
  fontSize: 12,
  background: "var(--color-surface)",
  borderColor: "var(--color-surface-line)",
  color: "var(--color-fg)",
} as const;
export const TOOLTIP_TEXT_STYLE = { color: "var(--color-fg)" } as const;

/** Legend labels in the text colour (series colours as text were 3.1-3.7:1); the swatch beside keeps the colour. */
export function legendText(value: string): ReactNode {
  return createElement("span", { style: TOOLTIP_TEXT_STYLE }, value);
}

export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length] ?? NEUTRAL_COLOR;
}

/** Axis tick for a bucket start: time of day for short steps, date and time for long ones (UTC). */
export function formatTick(iso: string, stepMinutes: number): string {
  const d = new Date(iso);
  const hhmm = d.toISOString().slice(11, 16);
  return stepMinutes >= 60 ? `${d.toISOString().slice(5, 10)} ${hhmm}` : hhmm;
}
