"use client";

import { useEffect, useState } from "react";

/**
 * A text control's length limit, shown instead of silently cutting what the admin typed or pasted
 * (issue 13 #12): "12 / 128 characters", and "3 over the limit" in the error colour once past it. The
 * control itself has no maxLength; the server's schema refuses an over-long value with a field error.
 * Works for controlled and uncontrolled inputs alike: it reads the control (by id) on every input event.
 */
export function LengthLimit({
  forId,
  max,
  value,
  compact = false,
}: {
  forId: string;
  max: number;
  /** The value of a controlled input (else the control is read by id). */
  value?: string;
  /** In a dense row: say the limit to screen readers only, until 80 % of it is used. */
  compact?: boolean;
}) {
  const [length, setLength] = useState(value?.length ?? 0);
  useEffect(() => {
    if (value !== undefined) return setLength(value.length);
    const el = document.getElementById(forId) as HTMLInputElement | HTMLTextAreaElement | null;
    if (!el) return;
    const read = () => setLength(el.value.length);
    // A form reset (after a successful save) empties the control without an input event.
    const afterReset = () => setTimeout(read);
    const form = el.form;
    read();
    el.addEventListener("input", read);
    form?.addEventListener("reset", afterReset);
    return () => {
      el.removeEventListener("input", read);
      form?.removeEventListener("reset", afterReset);
    };
  }, [forId, value]);
  const over = length - max;
  const hidden = compact && length < max * 0.8;
  return (
    <p
      id={`${forId}-limit`}
      className={`mt-1 text-xs tabular-nums ${hidden ? "sr-only" : ""} ${over > 0 ? "text-red-700 dark:text-red-400" : "text-muted"}`}
      data-length-limit={max}
    >
      {over > 0 ? `${length} / ${max} characters: ${over} over the limit` : `${length} / ${max} characters`}
    </p>
  );
}
