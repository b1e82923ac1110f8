import type { ReactNode } from "react";

/**
 * Series told apart without colour (WCAG 1.4.1, issue 21): each series of a chart fills with its colour plus
 * its own texture (solid, stripes, dots, cross-hatch, …), so "allowed" and "denied" differ for a colour-blind
 * admin and in a greyscale print. The texture is drawn in the card surface colour, so it follows the theme.
 */
const MARKS: ((stroke: string) => ReactNode)[] = [
  () => null,
  (s) => <line x1="0" y1="0" x2="0" y2="6" stroke={s} strokeWidth="2" />,
  (s) => <circle cx="3" cy="3" r="1.3" fill={s} />,
  (s) => (
    <>
      <line x1="0" y1="0" x2="0" y2="6" stroke={s} strokeWidth="1.2" />
      <line x1="0" y1="3" x2="6" y2="3" stroke={s} strokeWidth="1.2" />
    </>
  ),
  (s) => <line x1="0" y1="3" x2="6" y2="3" stroke={s} strokeWidth="1.6" />,
  (s) => <rect x="1.5" y="1.5" width="3" height="3" fill="none" stroke={s} strokeWidth="1" />,
];
const ROTATE = [0, 45, 0, 45, 0, 0];

/** `<defs>` for a chart: one pattern per series colour, referenced with `patternFill(prefix, i)`. */
export function SeriesPatterns({ prefix, colors }: { prefix: string; colors: readonly string[] }) {
  return (
    <defs>
      {colors.map((color, i) => (
        <pattern
          // biome-ignore lint/suspicious/noArrayIndexKey: one pattern per series position
          key={i}
          id={`${prefix}-${i}`}
          width="6"
          height="6"
          patternUnits="userSpaceOnUse"
          patternTransform={`rotate(${ROTATE[i % ROTATE.length]})`}
        >
          <rect width="6" height="6" fill={color} />
          {MARKS[i % MARKS.length]?.("var(--color-surface)")}
        </pattern>
      ))}
    </defs>
  );
}

export const patternFill = (prefix: string, i: number) => `url(#${prefix}-${i})`;

/** A useId value usable inside url(#…) (React's ids contain characters CSS would need escaped). */
export const cssSafeId = (id: string) => `p${id.replace(/[^a-zA-Z0-9_-]/g, "")}`;
