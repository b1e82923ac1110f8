"use client";

import { useState, useTransition } from "react";
import { SecretOnce } from "@/components/config/secret-once";
import { Button } from "@/components/ui/button";
import { StatusLine } from "@/components/ui/focus-management";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { revokeCredentialAction, rotateCredentialAction } from "../actions";

const OVERLAPS = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "7 days" },
  { hours: 0, label: "no overlap" },
];

/**
 * Rotate (new secret shown once; the old one keeps working for the overlap) or revoke (at once, after a
 * confirmation). Rendered for revoked rows too: after a revoke the controls are replaced by the announced
 * result, which takes focus (the shared focus pattern, components/ui/focus-management.tsx).
 */
export function CredentialRowControls({
  resourceId,
  credentialId,
  name,
  active,
}: {
  resourceId: string;
  credentialId: string;
  name: string;
  /** false once revoked or expired: only the result of this row's last action is shown */
  active: boolean;
}) {
  const [overlap, setOverlap] = useState(24);
  const [secret, setSecret] = useState<string>();
  const [rotated, setRotated] = useState<{ ok: boolean; text: string }>();
  const [revoked, setRevoked] = useState<string>();
  const [pending, start] = useTransition();
  const revokedId = `revoked-${credentialId}`;
  if (!active || revoked) {
    return (
      <StatusLine id={revokedId} className="text-xs">
        {revoked}
      </StatusLine>
    );
  }
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor={`overlap-${credentialId}`}>
          Overlap for rotating {name}
        </label>
        <select
          id={`overlap-${credentialId}`}
          value={overlap}
          onChange={(e) => setOverlap(Number(e.currentTarget.value))}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
        >
          {OVERLAPS.map((o) => (
            <option key={o.hours} value={o.hours}>
              old one valid {o.label}
            </option>
          ))}
        </select>
        <Button
          variant="secondary"
          pending={pending}
          aria-label={`Rotate ${name}`}
          onClick={() =>
            start(async () => {
              const r = await rotateCredentialAction({ resourceId, credentialId, overlapHours: overlap });
              setSecret(r.ok ? r.data.secret : undefined);
              setRotated(
                r.ok
                  ? { ok: true, text: `New secret for ${name} shown below: copy it now.` }
                  : { ok: false, text: r.error.message },
              );
            })
          }
        >
          {pending ? "Rotating…" : "Rotate"}
        </Button>
        <InlineConfirm
          label="Revoke"
          openerLabel={`Revoke ${name}`}
          openerVariant="ghost"
          question={`Revoke ${name}? Enforcers using it are refused at once.`}
          confirmLabel="Confirm revoke"
          pendingLabel="Revoking…"
          onConfirm={async () => {
            const r = await revokeCredentialAction({ resourceId, credentialId });
            if (!r.ok) return { ok: false, message: r.error.message };
            setRevoked(`Revoked ${name}. Enforcers using it are refused from now on.`);
            return { ok: true, message: "", focus: () => document.getElementById(revokedId) };
          }}
        />
        <StatusLine tone={rotated?.ok === false ? "error" : "success"} className="text-xs">
          {rotated?.text}
        </StatusLine>
      </div>
      {secret ? <SecretOnce secret={secret} title={`New credential for "${name}"`} /> : null}
    </div>
  );
}
