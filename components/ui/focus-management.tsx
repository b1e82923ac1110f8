"use client";

import { type ReactNode, useCallback, useEffect, useId, useRef } from "react";
import { errorsFor } from "./form-controls";

/**
 * The one focus pattern of the dashboard (issue 21 #3), in three pieces:
 * - `useFocusNext()`: after an action, put focus where the next step is, once that element exists (after a
 *   re-render, a `router.refresh()` or a navigation) and again if a refresh replaces it while focus is lost;
 * - `<ErrorSummary>`: on a failed submit, a summary at the top of the form takes focus and links to each field;
 * - `<StatusLine>`: an always-present `role=status` region, so a success or a result is announced.
 * Pending buttons stay focusable: `<Button pending>` sets `aria-disabled` (a `disabled` button loses focus).
 */

const FOCUSABLE = "a[href],button,input,select,textarea,summary,[tabindex]";

/** Focus an element; a heading or a message becomes programmatically focusable (tabindex -1) first. */
export function focusElement(el: HTMLElement) {
  const details = el.closest("details");
  if (details && !details.open) details.open = true; // a field inside a closed "Advanced" section
  if (!el.matches(FOCUSABLE)) el.setAttribute("tabindex", "-1");
  el.focus();
}

const SETTLE_MS = 4_000;

/**
 * `focusNext(find)`: focus what `find()` returns as soon as it is in the document. For a few seconds after,
 * if a server refresh swaps the element out and focus falls to <body>, focus the new one `find()` returns.
 * It stops as soon as the user moves focus elsewhere.
 */
export function useFocusNext() {
  const run = useRef(0);
  return useCallback((find: () => HTMLElement | null | undefined) => {
    const id = ++run.current;
    const start = performance.now();
    let focused: HTMLElement | null = null;
    const tick = () => {
      if (id !== run.current || performance.now() - start > SETTLE_MS) return;
      const active = document.activeElement;
      const lost = !active || active === document.body;
      if (focused && !lost && active !== focused) return; // the user went on: leave them be
      if (!focused || lost) {
        const el = find();
        if (el?.isConnected && el !== active) {
          focusElement(el);
          focused = el;
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, []);
}

type FieldErrors = Record<string, string[]> | undefined;

/**
 * Every problem of a failed submit at once, at the top of the form. It takes focus each time a new failure
 * arrives (`failure` is a new object per attempt); each entry links to its field (by id, else by name).
 */
export function ErrorSummary({
  failure,
  labels = {},
  ids = {},
}: {
  failure: { error: { message: string }; fieldErrors?: FieldErrors } | null | undefined;
  /** Field key → its visible label ("uri" → "Resource URI"). */
  labels?: Record<string, string>;
  /** Field key → the control's id when it is not the key itself. */
  ids?: Record<string, string>;
}) {
  const ref = useRef<HTMLElement>(null);
  const headingId = useId();
  useEffect(() => {
    if (failure) ref.current?.focus();
  }, [failure]);
  if (!failure) return null;
  const fields = failure.fieldErrors;
  const keys = [...new Set(Object.keys(fields ?? {}).map((k) => k.split(".")[0] ?? k))];
  const focusField = (key: string) => {
    const target = document.getElementById(ids[key] ?? key) ?? document.querySelector<HTMLElement>(`[name="${key}"]`);
    if (target) focusElement(target);
  };
  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-testid="error-summary"
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-600 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300"
    >
      <h2 id={headingId} className="font-semibold">
        {keys.length > 0
          ? `There ${keys.length === 1 ? "is a problem" : `are ${keys.length} problems`} to fix`
          : "It did not work"}
      </h2>
      <p>{failure.error.message}</p>
      {keys.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {keys.map((key) => (
            <li key={key}>
              <a
                href={`#${ids[key] ?? key}`}
                className="inline-flex min-h-6 items-center underline"
                onClick={(e) => {
                  e.preventDefault();
                  focusField(key);
                }}
              >
                {labels[key] ?? key}: {errorsFor(fields, key)?.join(" ")}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/**
 * An always-present polite live region (a region created together with its text is often not announced).
 * `tone` colours the text; empty children render nothing visible.
 */
export function StatusLine({
  children,
  tone = "success",
  className = "",
  id,
}: {
  children?: ReactNode;
  tone?: "success" | "error" | "info";
  className?: string;
  id?: string;
}) {
  const tones = {
    success: "text-emerald-800 dark:text-emerald-300",
    error: "text-red-700 dark:text-red-400",
    info: "text-fg",
  };
  return (
    // Empty, it takes no room (no stray flex gap); it stays in the accessibility tree so it announces later text.
    <div role="status" id={id} className={`text-sm empty:absolute ${children ? tones[tone] : ""} ${className}`}>
      {children}
    </div>
  );
}
