"use client";

import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { deleteSinkAction, testSinkAction, updateSinkAction } from "../actions";

/** Send test event (the receiver's answer announced), pause or resume, delete after a confirmation. */
export function SinkRowControls({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  const [deleted, setDeleted] = useState<string>();
  const focusNext = useFocusNext();
  const toggle = useRef<HTMLButtonElement>(null);
  const resultId = `sink-result-${id}`;
  if (deleted)
    return (
      <StatusLine id={resultId} className="text-xs">
        {deleted}
      </StatusLine>
    );
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        pending={pending}
        aria-label={`Send test event to ${name}`}
        onClick={() =>
          start(async () => {
            const r = await testSinkAction({ id });
            if (!r.ok) setMessage({ ok: false, text: r.error.message });
            else if (r.data.ok) setMessage({ ok: true, text: `Test event ${r.data.eventId} accepted by ${name}.` });
            else setMessage({ ok: false, text: `Test event not delivered: ${r.data.error}` });
          })
        }
      >
        Send test event
      </Button>
      <Button
        ref={toggle}
        variant="secondary"
        pending={pending}
        aria-label={`${enabled ? "Pause" : "Resume"} ${name}`}
        onClick={() =>
          start(async () => {
            const r = await updateSinkAction({ id, enabled: !enabled });
            setMessage(
              r.ok
                ? { ok: true, text: `${name} ${enabled ? "paused" : "resumed"}.` }
                : { ok: false, text: r.error.message },
            );
            focusNext(() => toggle.current);
          })
        }
      >
        {enabled ? "Pause" : "Resume"}
      </Button>
      <InlineConfirm
        label="Delete"
        openerLabel={`Delete ${name}`}
        openerVariant="ghost"
        question={`Delete ${name}? Events stop going to it.`}
        confirmLabel="Confirm delete"
        pendingLabel="Deleting…"
        onConfirm={async () => {
          const r = await deleteSinkAction({ id });
          if (!r.ok) return { ok: false, message: r.error.message };
          setDeleted(`Deleted ${name}.`);
          // The row leaves the list with the refresh: focus goes to the list's heading (its count changed).
          return {
            ok: true,
            message: "",
            focus: () => document.getElementById(resultId) ?? document.getElementById("sinks-heading"),
          };
        }}
      />
      <StatusLine tone={message?.ok === false ? "error" : "success"} className="text-xs">
        {message?.text}
      </StatusLine>
    </div>
  );
}
