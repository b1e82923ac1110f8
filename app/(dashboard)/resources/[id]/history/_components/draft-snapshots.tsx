"use client";

import { useRouter } from "next/navigation";
import { Card } from "@/components/ui/card";
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
  return (
    <Card title="Draft snapshots">
      {snapshots.length === 0 ? (
        <p className="text-sm text-muted">
          None yet. A rollback keeps the draft it replaces here, so unpublished work is never lost.
        </p>
      ) : (
        <ul aria-label="Draft snapshots" className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
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
                    const result = await restoreSnapshotAction({ resourceId, snapshotId: s.id });
                    if (!result.ok) return { ok: false, message: result.error.message };
                    router.refresh();
                    return { ok: true, message: "Restored as the draft. Publish when ready." };
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
