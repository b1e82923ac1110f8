"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { verifyChainAction } from "../actions";

export function VerifyChainButton() {
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string }>();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-col items-end gap-2">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await verifyChainAction({});
            if (!result.ok) return setMessage({ tone: "error", text: result.error.message });
            const r = result.data;
            setMessage(
              r.ok
                ? {
                    tone: "success",
                    text: `Chain intact: ${r.checked} events verified.${
                      r.anchor ? ` Head and count match the checkpoint signed ${r.anchor.at}.` : " Not anchored."
                    }`,
                  }
                : { tone: "error", text: `Chain broken at event #${r.firstBroken?.seq}: ${r.firstBroken?.reason}.` },
            );
          })
        }
      >
        {pending ? "Verifying…" : "Verify integrity"}
      </Button>
      {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
    </div>
  );
}
