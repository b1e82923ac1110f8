"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { testIdpConnectionAction } from "../actions";

/** Runs Test connection on the server, then re-renders the page with the stored result. */
export function TestConnectionButton({ profileId }: { profileId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="flex items-center gap-3">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await testIdpConnectionAction({ id: profileId });
            setError(result.ok ? undefined : result.error.message);
            router.refresh();
          })
        }
      >
        {pending ? "Testing…" : "Test connection"}
      </Button>
      {error ? (
        <span role="status" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </div>
  );
}
