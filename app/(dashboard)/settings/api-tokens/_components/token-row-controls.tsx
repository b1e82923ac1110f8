"use client";

import { useState } from "react";
import { StatusLine } from "@/components/ui/focus-management";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { revokeApiTokenAction } from "../actions";

/** Revoke after an inline confirmation; the announced result replaces the control and takes focus. */
export function TokenRowControls({ tokenId, name, active }: { tokenId: string; name: string; active: boolean }) {
  const [revoked, setRevoked] = useState<string>();
  const resultId = `token-revoked-${tokenId}`;
  if (!active || revoked)
    return (
      <StatusLine id={resultId} className="text-xs">
        {revoked}
      </StatusLine>
    );
  return (
    <InlineConfirm
      label="Revoke"
      openerLabel={`Revoke ${name}`}
      openerVariant="ghost"
      question={`Revoke ${name}? Requests with it are refused at once.`}
      confirmLabel="Confirm revoke"
      pendingLabel="Revoking…"
      onConfirm={async () => {
        const r = await revokeApiTokenAction({ tokenId });
        if (!r.ok) return { ok: false, message: r.error.message };
        setRevoked(`Revoked ${name}. Requests with it are refused from now on.`);
        return { ok: true, message: "", focus: () => document.getElementById(resultId) };
      }}
    />
  );
}
