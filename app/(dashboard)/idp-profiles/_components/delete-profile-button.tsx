"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { deleteIdpProfileAction } from "../actions";

export function DeleteProfileButton({ profileId, name }: { profileId: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  const run = () =>
    start(async () => {
      const result = await deleteIdpProfileAction({ id: profileId });
      if (result.ok) router.push("/idp-profiles");
      else setError(result.error.message);
      setConfirming(false);
    });
  return (
    <div className="space-y-2">
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm">Delete {name}? This cannot be undone.</span>
          <Button variant="danger" disabled={pending} onClick={run}>
            {pending ? "Deleting…" : "Yes, delete"}
          </Button>
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Delete profile
        </Button>
      )}
      {error ? (
        <p role="status" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
