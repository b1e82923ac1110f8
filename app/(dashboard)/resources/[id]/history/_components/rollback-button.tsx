"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { rollbackAction } from "../actions";

/** Roll back to a version, after an inline confirmation (the rollback is itself a new version). */
export function RollbackButton({ resourceId, version }: { resourceId: string; version: number }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  if (!confirming) {
    return (
      <div className="flex items-center gap-2">
        <Button variant="secondary" onClick={() => setConfirming(true)} aria-label={`Roll back to version ${version}`}>
          Roll back
        </Button>
        {message ? (
          <span role="status" className={`text-xs ${message.ok ? "text-emerald-700" : "text-red-700"}`}>
            {message.text}
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <fieldset className="flex flex-wrap items-center gap-2">
      <legend className="sr-only">Confirm rollback to version {version}</legend>
      <span className="text-xs">Publish v{version}'s policy again as a new version?</span>
      <Button
        variant="danger"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await rollbackAction({ resourceId, version, note: "" });
            setConfirming(false);
            setMessage(
              result.ok
                ? { ok: true, text: `Published version ${result.data.version}.` }
                : { ok: false, text: result.error.message },
            );
          })
        }
      >
        {pending ? "Rolling back…" : `Confirm rollback to v${version}`}
      </Button>
      <Button variant="ghost" onClick={() => setConfirming(false)} disabled={pending}>
        Cancel
      </Button>
    </fieldset>
  );
}
