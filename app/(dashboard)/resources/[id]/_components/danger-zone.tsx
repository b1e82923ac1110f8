"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { StatusLine } from "@/components/ui/focus-management";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { archiveResourceAction, deleteResourceAction, restoreResourceAction } from "../archive-actions";

/**
 * Archive, restore and delete (issue 13 #7). Archiving is reversible and publishes a bundle that denies every
 * request (`resource_archived`); only an archived resource can be deleted, by typing its name.
 */
export function DangerZone({ resourceId, name, archived }: { resourceId: string; name: string; archived: boolean }) {
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string[] | undefined>();
  const [pending, start] = useTransition();
  const toggle = async () => {
    const result = archived
      ? await restoreResourceAction({ id: resourceId })
      : await archiveResourceAction({ id: resourceId });
    if (!result.ok) return { ok: false, message: result.error.message };
    router.refresh();
    const v = result.data.version ? ` (published v${result.data.version})` : "";
    return {
      ok: true,
      message: archived
        ? `Restored${v}: enforcers serve the previous policy again.`
        : `Archived${v}: enforcers now refuse every request.`,
    };
  };
  return (
    <Card title="Danger zone">
      <div className="space-y-4 text-sm">
        <div>
          <p className="mb-2">
            {archived
              ? "Restore publishes the policy this resource had before it was archived."
              : "Archive publishes a bundle that makes every enforcer of this resource refuse all requests (reason resource_archived). You can restore it."}
          </p>
          <InlineConfirm
            label={archived ? "Restore resource" : "Archive resource"}
            question={
              archived
                ? `Restore ${name} and publish its previous policy?`
                : `Archive ${name}? Its enforcers will refuse every request.`
            }
            confirmLabel={archived ? "Confirm restore" : "Confirm archive"}
            confirmVariant={archived ? "primary" : "danger"}
            pendingLabel={archived ? "Restoring…" : "Archiving…"}
            onConfirm={toggle}
          />
        </div>
        {archived ? (
          <form
            aria-label="Delete resource"
            className="max-w-md space-y-2 border-t border-slate-200 pt-4 dark:border-slate-800"
            onSubmit={(e) => {
              e.preventDefault();
              start(async () => {
                const result = await deleteResourceAction({ id: resourceId, confirmName: typed });
                if (!result.ok) return setError(result.fieldErrors?.confirmName ?? [result.error.message]);
                router.push("/resources");
              });
            }}
          >
            <p>
              Delete removes the resource, its versions, credentials and snapshots for good. The audit trail keeps the
              record.
            </p>
            <TextField
              id="confirm-delete-name"
              name="confirmName"
              label={`Type ${name} to confirm`}
              autoComplete="off"
              value={typed}
              errors={error}
              onChange={(e) => {
                setTyped(e.currentTarget.value);
                setError(undefined);
              }}
            />
            <Button type="submit" variant="danger" pending={pending}>
              {pending ? "Deleting…" : "Delete resource"}
            </Button>
            <StatusLine tone="error">{error ? "Not deleted." : null}</StatusLine>
          </form>
        ) : null}
      </div>
    </Card>
  );
}
