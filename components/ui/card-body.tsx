"use client";

import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A card's content, scrolling sideways inside the card (not the page) when it is wider than the screen, e.g. a
 * table at 320 px (issue 21, WCAG 1.4.10). Only while it actually overflows does it become a labelled,
 * focusable region, so a keyboard user can reach it and scroll with the arrow keys (WCAG 2.1.1).
 */
export function CardBody({ label, children }: { label?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    for (const child of el.children) observer.observe(child);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      className="overflow-x-auto p-4 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-brand-500"
      {...(overflows ? { tabIndex: 0, role: "region", "aria-label": `${label ?? "Content"} (scrolls sideways)` } : {})}
    >
      {children}
    </div>
  );
}
