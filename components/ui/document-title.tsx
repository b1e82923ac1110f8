"use client";

import { useEffect } from "react";

/**
 * Sets the document title from a component that cannot export metadata (not-found.tsx, forbidden.tsx):
 * otherwise the 404 and 403 pages keep the title of the page before them (issue 21).
 */
export function DocumentTitle({ title }: { title: string }) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return null;
}
