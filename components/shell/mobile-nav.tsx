"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { type NavItem, NavLinks } from "./nav-links";

/**
 * The navigation below 768 px (issue 21 #5, issue 13 #12), where the sidebar is hidden: a "Menu" button
 * (aria-expanded) that opens the same links under the header. Escape closes it and returns focus to the
 * button; following a link closes it.
 */
export function MobileNav({ items, badges }: { items: NavItem[]; badges?: Record<string, number> }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close when the page changes
  useEffect(() => setOpen(false), [pathname]);
  return (
    <div className="md:hidden">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
        className="inline-flex min-h-9 items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:border-slate-700"
      >
        <span aria-hidden>☰</span> Menu
      </button>
      <nav
        id={panelId}
        aria-label="Main"
        hidden={!open}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            setOpen(false);
            button.current?.focus();
          }
        }}
        className="absolute inset-x-0 top-full z-40 border-b border-slate-200 bg-white px-3 py-3 shadow-lg dark:border-slate-800 dark:bg-slate-900"
      >
        <NavLinks items={items} badges={badges} />
      </nav>
    </div>
  );
}
