"use client";

import { useEffect } from "react";

/**
 * Sets the document title from a component that cannot export metadata (not-found.tsx, forbidden.tsx):
 * otherwise the 403 and 404 pages keep the title of the page they replace ("Register a resource" for a
 * viewer refused there; issue 21). The page's own metadata may arrive after this effect (streamed), so the
 * title is held while this component is mounted.
 */
export function DocumentTitle({ title }: { title: string }) {
  useEffect(() => {
    const apply = () => {
      if (document.title !== title) document.title = title;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [title]);
  return null;
}
