"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { changeRoleAction, enablePasswordAction, endSessionsAction, setStatusAction } from "../actions";

export function AdminRowControls({
  adminId,
  email,
  role,
  status,
  passwordOff,
}: {
  adminId: string;
  email: string;
  role: string;
  status: string;
  /** SSO-linked account whose local password was switched off */
  passwordOff: boolean;
}) {
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    start(async () => {
      const result = await fn();
      setError(result.ok ? undefined : result.error?.message);
      if (!result.ok) setNotice(undefined);
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor={`role-${adminId}`}>
        Role of {email}
      </label>
      <select
        id={`role-${adminId}`}
        defaultValue={role}
        disabled={pending}
        onChange={(e) => {
          const next = e.currentTarget.value;
          run(() => changeRoleAction({ adminId, role: next }));
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        <option value="owner">owner</option>
        <option value="admin">admin</option>
        <option value="viewer">viewer</option>
      </select>
      <Button
        variant={status === "active" ? "secondary" : "primary"}
        disabled={pending}
        onClick={() => run(() => setStatusAction({ adminId, status: status === "active" ? "disabled" : "active" }))}
        aria-label={`${status === "active" ? "Disable" : "Enable"} ${email}`}
      >
        {status === "active" ? "Disable" : "Enable"}
      </Button>
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          run(async () => {
            const result = await endSessionsAction({ adminId });
            if (result.ok) setNotice("Signed out everywhere.");
            return result;
          })
        }
        aria-label={`Sign out everywhere: ${email}`} /* the visible text starts the name (WCAG 2.5.3) */
      >
        Sign out everywhere
      </Button>
      {passwordOff ? (
        <Button
          variant="secondary"
          disabled={pending}
          onClick={() => run(() => enablePasswordAction({ adminId }))}
          aria-label={`Allow password sign-in for ${email}`}
        >
          Allow password sign-in
        </Button>
      ) : null}
      {notice ? (
        <span role="status" className="text-xs text-slate-600 dark:text-slate-300">
          {notice}
        </span>
      ) : null}
      {error ? (
        <span role="status" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </div>
  );
}
