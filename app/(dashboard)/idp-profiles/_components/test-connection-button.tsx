"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { StatusLine } from "@/components/ui/focus-management";
import { testIdpConnectionAction } from "../actions";

/**
 * Runs Test connection on the server, then re-renders the page with the stored result. The outcome is
 * announced (role=status); focus stays on the button, which stays focusable while the test runs.
 */
export function TestConnectionButton({ profileId }: { profileId: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        variant="secondary"
        pending={pending}
        onClick={() =>
          start(async () => {
            setMessage(undefined);
            const result = await testIdpConnectionAction({ id: profileId });
            setMessage(
              !result.ok
                ? { ok: false, text: result.error.message }
                : result.data.ok
                  ? { ok: true, text: "Connection OK. Details under Test connection." }
                  : { ok: false, text: "Connection failed. The cause is shown under Test connection." },
            );
            router.refresh();
          })
        }
      >
        {pending ? "Testing…" : "Test connection"}
      </Button>
      <StatusLine tone={message?.ok === false ? "error" : "success"} className="text-xs">
        {pending ? "Testing the connection…" : message?.text}
      </StatusLine>
    </div>
  );
}
