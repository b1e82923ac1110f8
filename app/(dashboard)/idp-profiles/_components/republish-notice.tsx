"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { StatusLine } from "@/components/ui/focus-management";
import type { RepublishResult, StaleResource } from "@/lib/server/idp-profiles/republish";
import { republishProfileResourcesAction } from "../actions";

/** "N resources need republishing" after a profile edit, with one action that republishes them (issue 13 #5). */
export function RepublishNotice({
  profileId,
  stale,
  canPublish,
}: {
  profileId: string;
  stale: StaleResource[];
  canPublish: boolean;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [results, setResults] = useState<RepublishResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const n = stale.length;
  if (n === 0 && !results) return null;
  return (
    <section
      aria-labelledby="republish-heading"
      className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
    >
      {n > 0 ? (
        <>
          <h2 id="republish-heading" className="font-semibold">
            {n} resource{n === 1 ? " needs" : "s need"} republishing
          </h2>
          <p className="mt-1">
            Their live bundles still carry this profile&apos;s previous settings:{" "}
            {stale.map((r) => `${r.name} (v${r.latestVersion})`).join(", ")}.
          </p>
          {canPublish ? (
            <Button
              className="mt-3"
              pending={pending}
              onClick={() =>
                start(async () => {
                  const res = await republishProfileResourcesAction({ profileId });
                  if (!res.ok) return setError(res.error.message);
                  setError(null);
                  setResults(res.data);
                  router.refresh();
                })
              }
            >
              {pending ? "Republishing…" : `Republish ${n} resource${n === 1 ? "" : "s"}`}
            </Button>
          ) : null}
        </>
      ) : (
        <h2 id="republish-heading" className="font-semibold">
          Republished
        </h2>
      )}
      <StatusLine tone="info">
        {error ??
          (results
            ? results
                .map((r) => (r.version ? `${r.name}: published v${r.version}.` : `${r.name}: ${r.error}`))
                .join(" ")
            : null)}
      </StatusLine>
    </section>
  );
}
