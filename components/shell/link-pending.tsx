"use client";

import { useLinkStatus } from "next/link";
import { useEffect } from "react";

/**
 * Inside a navigation link: while the page it opens is loading, the main content is marked busy
 * (aria-busy on <main>, issue 21) and the link shows a small spinner. A route-level loading.tsx would do it
 * too, but it makes Next stream every page, so a 403 or 404 would be answered with status 200.
 */
export function LinkPending() {
  const { pending } = useLinkStatus();
  useEffect(() => {
    if (!pending) return;
    const main = document.getElementById("main");
    main?.setAttribute("aria-busy", "true");
    return () => main?.removeAttribute("aria-busy");
  }, [pending]);
  return pending ? (
    <span
      aria-hidden
      className="ml-2 inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-r-transparent align-middle"
    />
  ) : null;
}
