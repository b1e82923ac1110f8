"use client";

import { useRouter } from "next/navigation";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { rollbackAction } from "../actions";

/** Roll back to a version, after an inline confirmation (the rollback is itself a new version). */
export function RollbackButton({ resourceId, version }: { resourceId: string; version: number }) {
  const router = useRouter();
  return (
    <InlineConfirm
      label="Roll back"
      openerLabel={`Roll back to version ${version}`}
      question={`Publish v${version}'s policy again as a new version?`}
      confirmLabel={`Confirm rollback to v${version}`}
      pendingLabel="Rolling back…"
      onConfirm={async () => {
        const result = await rollbackAction({ resourceId, version, note: "" });
        if (result.ok) router.refresh();
        return result.ok
          ? { ok: true, message: `Published version ${result.data.version}.` }
          : { ok: false, message: result.error.message };
      }}
    />
  );
}
