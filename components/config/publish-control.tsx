"use client";

import { useActionState, useRef } from "react";
import { Button } from "@/components/ui/button";
import { LengthLimit } from "@/components/ui/length-limit";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import type { PublishActionResult } from "@/lib/schemas/config";

type State = PublishActionResult | null;

/**
 * Publish the draft as the next signed config version, with an optional note. Problems in the
 * draft come back from the server (the enforcer's own schema) and are listed by field path.
 */
export function PublishControl({
  resourceId,
  publish,
}: {
  resourceId: string;
  /** The server action (passed in by the route that owns it: components never import from `app/`). */
  publish: (input: { resourceId: string; note: FormDataEntryValue; confirm?: boolean }) => Promise<PublishActionResult>;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    // Issue 13 #5: the server names a risk first; "Publish anyway" sends the same publish with confirm.
    const result = await publish({ resourceId, note: data.get("note") ?? "", confirm: data.get("confirm") === "yes" });
    if (result.ok) formRef.current?.reset(); // a failed publish keeps the note
    return result;
  }, null);
  const needsConfirm = state && !state.ok && state.error.code === "confirmation_required";
  const problems = state && !state.ok && !needsConfirm ? Object.entries(state.fieldErrors ?? {}) : [];
  const risks = needsConfirm ? (state.fieldErrors?.confirm ?? []) : [];
  return (
    <form
      ref={formRef}
      onSubmit={submitKeepingInput(formAction)}
      aria-label="Publish"
      className="flex max-w-md flex-col items-end gap-2"
    >
      <div className="flex flex-wrap items-end justify-end gap-2">
        <div className="min-w-0 flex-1 sm:flex-none">
          <label htmlFor="publish-note" className="block text-xs font-medium text-slate-600 dark:text-slate-400">
            Release note
          </label>
          <input
            id="publish-note"
            name="note"
            aria-describedby="publish-note-limit"
            placeholder="What changed (optional)"
            className="mt-1 w-full rounded-md sm:w-56 border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
          <LengthLimit forId="publish-note" max={500} compact />
        </div>
        <Button type="submit" pending={pending}>
          {pending ? "Publishing…" : "Publish"}
        </Button>
      </div>
      <div role="status" className="text-right text-xs">
        {state?.ok ? (
          <span className="text-emerald-700 dark:text-emerald-400">
            Published version {state.data.version}. Enforcers pick it up within a second.
          </span>
        ) : null}
        {needsConfirm ? (
          <div className="text-left text-amber-900 dark:text-amber-200">
            <p className="font-medium">Publish anyway?</p>
            <ul className="mt-1 list-disc pl-4">
              {risks.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            <div className="mt-2 text-right">
              <Button type="submit" name="confirm" value="yes" variant="danger" pending={pending} autoFocus>
                Publish anyway
              </Button>
            </div>
          </div>
        ) : null}
        {state && !state.ok && !needsConfirm ? (
          <div className="text-red-700 dark:text-red-400">
            <p>{state.error.message}</p>
            {problems.length > 0 ? (
              <ul className="mt-1 list-disc pl-4 text-left">
                {problems.map(([path, messages]) => (
                  <li key={path}>
                    <span className="font-mono">{path}</span>: {messages.join("; ")}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
    </form>
  );
}
