"use client";

import { useRouter } from "next/navigation";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { rollbackAction } from "../actions";

/**
 * Roll back to a version, after an inline confirmation (the rollback is itself a new version). The draft becomes
 * that version's too (the replaced draft is kept as a snapshot), and Compare then shows what the rollback changed:
 * the previous live version against the new one, with the selectors on that pair (issue 13 #4).
 */
export function RollbackButton({
  resourceId,
  version,
  liveVersion,
}: {
  resourceId: string;
  version: number;
  liveVersion: number;
}) {
  const router = useRouter();
  return (
    <InlineConfirm
      label="Roll back"
      openerLabel={`Roll back to version ${version}`}
      question={`Publish v${version}'s policy again as a new version, and reset the draft to it?`}
      confirmLabel={`Confirm rollback to v${version}`}
      pendingLabel="Rolling back…"
      onConfirm={async () => {
        const result = await rollbackAction({ resourceId, version, note: "" });
        if (!result.ok) return { ok: false, message: result.error.message };
        router.push(`/resources/${resourceId}/history?from=${liveVersion}&to=${result.data.version}`);
        const kept = result.data.draftSnapshot
          ? ` Your previous draft is kept as "${result.data.draftSnapshot}" under Draft snapshots.`
          : "";
        return {
          ok: true,
          message: `Published version ${result.data.version}. The draft is now v${version}'s.${kept}`,
        };
      }}
    />
  );
}
