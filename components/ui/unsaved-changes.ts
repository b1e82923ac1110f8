"use client";

import { useCallback, useEffect, useRef, useState } from "react";

export const UNSAVED_MESSAGE = "You have unsaved changes. Leave this page and lose them?";

/**
 * Warn before leaving a page with unsaved changes (issue 13 #6), the one shared way: a reload, closing the tab or
 * typing a URL get the browser's own `beforeunload` prompt; a click on any in-app link (the resource tabs, the
 * navigation, breadcrumbs) asks first, and Cancel keeps the page and its edits. The click is caught on `window` in
 * the capture phase, before Next's `<Link>` starts a client-side navigation.
 *
 * @example
 * const [dirty, setDirty] = useState(false);
 * useUnsavedChangesWarning(dirty);
 */
export function useUnsavedChangesWarning(dirty: boolean, message: string = UNSAVED_MESSAGE): void {
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = ""; // older Chromium needs it set to show the prompt
    };
    const click = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = (e.target as Element | null)?.closest?.("a[href]");
      if (
        !(link instanceof HTMLAnchorElement) ||
        (link.target && link.target !== "_self") ||
        link.hasAttribute("download")
      )
        return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin) return; // leaving the app: beforeunload asks
      if (to.pathname === window.location.pathname && to.search === window.location.search) return; // same page (#hash)
      if (!window.confirm(message)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    window.addEventListener("click", click, true);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      window.removeEventListener("click", click, true);
    };
  }, [dirty, message]);
}

/**
 * Dirty by content for forms without their own flag: the value differs from the last saved one. `markSaved` takes
 * the current value as the new baseline (after a successful save).
 *
 * @example
 * const { dirty, markSaved } = useDirtyState({ scopes, limits });
 */
export function useDirtyState(value: unknown): { dirty: boolean; markSaved: () => void } {
  const json = JSON.stringify(value);
  const [saved, setSaved] = useState(json);
  const latest = useRef(json);
  latest.current = json;
  const markSaved = useCallback(() => setSaved(latest.current), []);
  return { dirty: json !== saved, markSaved };
}
