"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Card } from "@/components/ui/card";
import { StatusLine } from "@/components/ui/focus-management";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { utcTime } from "@/components/ui/utc-time";
import type { DraftSnapshotDto } from "@/lib/server/resources/draft-snapshots";
import { restoreSnapshotAction } from "../actions";

/** Drafts a rollback (or a restore) replaced, newest first, each restorable as the draft (issue 13 #4). */
export function DraftSnapshots({
  resourceId,
  snapshots,
  canRestore,
}: {
  resourceId: string;
  snapshots: DraftSnapshotDto[];
  canRestore: boolean;
}) {
  const router = useRouter();
  // Announced at the list, not in the row: the restored snapshot equals the draft afterwards, so its
  // Restore control (and a message inside it) leaves the page with the refresh.
  const [restored, setRestored] = useState("");
  const list = useRef<HTMLUListElement>(null);
  return (
    <Card title="Draft snapshots">
      <StatusLine className="mb-2 text-sm">{restored}</StatusLine>
      {snapshots.length === 0 ? (
        <p className="text-sm text-muted">
          None yet. A rollback keeps the draft it replaces here, so unpublished work is never lost.
        </p>
      ) : (
        <ul
          ref={list}
          tabIndex={-1}
          aria-label="Draft snapshots"
          className="divide-y divide-slate-100 text-sm dark:divide-slate-800"
        >
          {snapshots.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
              <div>
                <p className="font-medium">{s.name}</p>
                <p className="text-xs text-muted">
                  {utcTime(s.createdAt)} by {s.createdByEmail} ·{" "}
                  {s.changeCount === 0
                    ? "same as the current draft"
                    : `${s.changeCount} change${s.changeCount === 1 ? "" : "s"} from the current draft`}
                </p>
              </div>
              {canRestore && s.changeCount > 0 ? (
                <InlineConfirm
                  label="Restore"
                  openerLabel={`Restore ${s.name}`}
                  question="Make this snapshot the draft? The current draft is kept as a snapshot."
                  confirmLabel="Confirm restore"
                  confirmVariant="primary"
                  pendingLabel="Restoring…"
                  onConfirm={async () => {
                    setRestored("");
                    const result = await restoreSnapshotAction({ resourceId, snapshotId: s.id });
                    if (!result.ok) return { ok: false, message: result.error.message };
                    setRestored("Restored as the draft. Publish when ready.");
                    router.refresh();
                    return { ok: true, message: "", focus: () => list.current };
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
