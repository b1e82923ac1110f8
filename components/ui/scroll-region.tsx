import type { ReactNode } from "react";

/**
 * A labelled, keyboard-focusable scroll region (issue 21: reflow at 320 px). Wide tables and code blocks
 * scroll inside it instead of making the whole page scroll sideways; Tab reaches it and the arrow keys scroll
 * it (WCAG 1.4.10, 2.1.1; axe scrollable-region-focusable). Its name says what it holds.
 */
export function ScrollRegion({
  label,
  children,
  className = "",
  id,
  hidden,
}: {
  label: string;
  children: ReactNode;
  className?: string;
  id?: string;
  hidden?: boolean;
}) {
  return (
    <section
      id={id}
      hidden={hidden}
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll region must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      className={`max-w-full overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 ${className}`}
    >
      {children}
    </section>
  );
}
