import Link from "next/link";
import { Badge } from "@/components/ui/card";
import type { DraftStatus } from "@/lib/server/resources/types";

/**
 * The draft against the live version, by content (issue 13 #4): "Draft differs from v4: 2 changes" links to that
 * diff on the History tab; equal content reads "Draft published" (also right after a rollback).
 */
export function DraftBadge({ resourceId, status }: { resourceId: string; status: DraftStatus }) {
  if (status.latestVersion === null) return <Badge tone="amber">Draft not published yet</Badge>;
  if (status.changeCount === null)
    return (
      <span title={status.draftProblem}>
        <Badge tone="amber">Draft cannot be published as it is</Badge>
      </span>
    );
  if (status.changeCount === 0) return <Badge tone="green">Draft published</Badge>;
  const n = status.changeCount;
  return (
    <Link
      href={`/resources/${resourceId}/history?from=${status.latestVersion}&to=draft`}
      className="inline-flex min-h-6 items-center rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 underline hover:no-underline dark:bg-amber-900/40 dark:text-amber-200"
    >
      Draft differs from v{status.latestVersion}: {n} change{n === 1 ? "" : "s"}
    </Link>
  );
}
