"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { LengthLimit } from "@/components/ui/length-limit";
import { acknowledgeAlertAction, resolveAlertAction } from "../actions";

/** Acknowledge (with an optional note) and resolve buttons of one alert; errors shown inline. */
export function AlertActions({ id, state, label }: { id: string; state: string; label: string }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    start(async () => {
      const r = await fn();
      setError(r.ok ? undefined : r.error?.message);
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {state === "firing" ? (
        <>
          <label className="sr-only" htmlFor={`note-${id}`}>
            Acknowledgement note for {label}
          </label>
          <input
            id={`note-${id}`}
            value={note}
            aria-describedby={`note-${id}-limit`}
            placeholder="Note (optional)"
            onChange={(e) => setNote(e.currentTarget.value)}
            className="w-40 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
          <LengthLimit forId={`note-${id}`} max={500} value={note} compact />
          <Button
            disabled={pending}
            onClick={() => run(() => acknowledgeAlertAction({ id, note }))}
            aria-label={`Acknowledge ${label}`}
          >
            Acknowledge
          </Button>
        </>
      ) : null}
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() => run(() => resolveAlertAction({ id }))}
        aria-label={`Resolve ${label}`}
      >
        Resolve
      </Button>
      {error ? (
        <span role="status" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </div>
  );
}
