"use client";

import { useRouter } from "next/navigation";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { deleteIdpProfileAction } from "../actions";

/** Delete after an inline confirmation; on success the list of profiles (the next place to be) gets focus. */
export function DeleteProfileButton({ profileId, name }: { profileId: string; name: string }) {
  const router = useRouter();
  return (
    <InlineConfirm
      label="Delete profile"
      openerVariant="danger"
      question={`Delete ${name}? This cannot be undone.`}
      confirmLabel="Yes, delete"
      pendingLabel="Deleting…"
      onConfirm={async () => {
        const result = await deleteIdpProfileAction({ id: profileId });
        if (!result.ok) return { ok: false, message: result.error.message };
        router.push("/idp-profiles");
        return {
          ok: true,
          message: `Deleted ${name}.`,
          focus: () => (location.pathname === "/idp-profiles" ? document.querySelector("h1") : null),
        };
      }}
    />
  );
}
