"use client";

import { useState, useTransition } from "react";
import { SecretOnce } from "@/components/config/secret-once";
import { Button } from "@/components/ui/button";
import { revokeCredentialAction, rotateCredentialAction } from "../actions";

const OVERLAPS = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "7 days" },
  { hours: 0, label: "no overlap" },
];

/** Rotate (new secret shown once; the old one keeps working for the overlap) or revoke (at once, after a confirmation). */
export function CredentialRowControls({
  resourceId,
  credentialId,
  name,
}: {
  resourceId: string;
  credentialId: string;
  name: string;
}) {
  const [overlap, setOverlap] = useState(24);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
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
          disabled={pending}
          aria-label={`Rotate ${name}`}
          onClick={() =>
            start(async () => {
              const r = await rotateCredentialAction({ resourceId, credentialId, overlapHours: overlap });
              setError(r.ok ? undefined : r.error.message);
              setSecret(r.ok ? r.data.secret : undefined);
            })
          }
        >
          Rotate
        </Button>
        {confirmRevoke ? (
          <>
            <Button
              variant="danger"
              disabled={pending}
              onClick={() =>
                start(async () => {
                  const r = await revokeCredentialAction({ resourceId, credentialId });
                  setConfirmRevoke(false);
                  setError(r.ok ? undefined : r.error.message);
                })
              }
            >
              Confirm revoke
            </Button>
            <Button variant="ghost" onClick={() => setConfirmRevoke(false)}>
              Cancel
            </Button>
          </>
        ) : (
          <Button variant="ghost" aria-label={`Revoke ${name}`} onClick={() => setConfirmRevoke(true)}>
            Revoke
          </Button>
        )}
        {error ? (
          <span role="status" className="text-xs text-red-600 dark:text-red-400">
            {error}
          </span>
        ) : null}
      </div>
      {secret ? <SecretOnce secret={secret} title={`New credential for "${name}"`} /> : null}
    </div>
  );
}
