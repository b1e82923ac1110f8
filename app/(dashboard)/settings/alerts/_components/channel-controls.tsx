"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { deleteChannelAction, setChannelEnabledAction, testChannelAction } from "../actions";

/** Send test, enable/disable and delete for one channel; the test's outcome is shown inline. */
export function ChannelControls({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const [message, setMessage] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={`Send test to ${name}`}
        onClick={() =>
          start(async () => {
            const r = await testChannelAction({ id });
            if (!r.ok) setMessage(r.error.message);
            else
              setMessage(
                r.data.status === "delivered" ? "Test delivered." : `Test failed: ${r.data.lastError ?? r.data.status}`,
              );
          })
        }
      >
        Send test
      </Button>
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={`${enabled ? "Disable" : "Enable"} ${name}`}
        onClick={() =>
          start(async () => {
            const r = await setChannelEnabledAction({ id, enabled: !enabled });
            setMessage(r.ok ? undefined : r.error.message);
          })
        }
      >
        {enabled ? "Disable" : "Enable"}
      </Button>
      <Button
        variant="danger"
        disabled={pending}
        aria-label={`Delete ${name}`}
        onClick={() =>
          start(async () => {
            const r = await deleteChannelAction({ id });
            setMessage(r.ok ? undefined : r.error.message);
          })
        }
      >
        Delete
      </Button>
      {message ? (
        <span role="status" className="text-xs text-slate-700 dark:text-slate-300">
          {message}
        </span>
      ) : null}
    </div>
  );
}
