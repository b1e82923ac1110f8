"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import {
  changeRoleAction,
  enablePasswordAction,
  endSessionsAction,
  resetPasswordAction,
  setStatusAction,
} from "../actions";
import { NewPassword } from "./new-password";

type Role = "owner" | "admin" | "viewer";
const EFFECT: Record<Role, string> = {
  owner: "an owner? They will manage admins and everything else",
  admin: "an admin? They will change all configuration, but not admins",
  viewer: "a viewer? They will only read",
};

/**
 * Role and status of one admin (issue 21 #4, issue 13 #13). Choosing a role changes nothing by itself:
 * "Save role" asks "Make <name> an owner?" and only the confirmation saves. When the server refuses, the
 * selector goes back to the stored role. Disable confirms too; every result is announced.
 */
export function AdminRowControls({
  adminId,
  email,
  name,
  role,
  status,
  passwordOff,
  self = false,
}: {
  adminId: string;
  email: string;
  name: string;
  role: string;
  status: string;
  /** SSO-linked account whose local password was switched off */
  passwordOff: boolean;
  /** the signed-in owner's own row: no password reset (they change their own) */
  self?: boolean;
}) {
  const [choice, setChoice] = useState(role);
  const [newPassword, setNewPassword] = useState<string>();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, start] = useTransition();
  const select = useRef<HTMLSelectElement>(null);
  const focusNext = useFocusNext();
  useEffect(() => setChoice(role), [role]); // the stored role after a refresh
  const report = (result: { ok: boolean; error?: { message: string } }, text: string) =>
    setMessage(result.ok ? { ok: true, text } : { ok: false, text: result.error?.message ?? "That did not work." });
  const selectId = `role-${adminId}`;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor={selectId}>
        Role of {email}
      </label>
      <select
        id={selectId}
        ref={select}
        value={choice}
        onChange={(e) => {
          setChoice(e.currentTarget.value);
          setMessage(undefined);
        }}
        className="min-h-9 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        <option value="owner">owner</option>
        <option value="admin">admin</option>
        <option value="viewer">viewer</option>
      </select>
      {choice !== role ? (
        <InlineConfirm
          label="Save role"
          openerLabel={`Save role for ${email}`}
          openerVariant="primary"
          confirmVariant="primary"
          question={`Make ${name} ${EFFECT[choice as Role] ?? choice}.`}
          confirmLabel={`Make ${choice}`}
          pendingLabel="Saving…"
          onConfirm={async () => {
            const result = await changeRoleAction({ adminId, role: choice });
            if (!result.ok) setChoice(role); // the selector shows what is stored, not what was refused
            report(result, `${name} is now ${choice === "viewer" ? "a viewer" : `an ${choice}`}.`);
            return { ok: result.ok, message: "", focus: () => select.current };
          }}
        />
      ) : null}
      {status === "active" ? (
        <InlineConfirm
          label="Disable"
          openerLabel={`Disable ${email}`}
          question={`Disable ${name}? They are signed out and cannot sign in until enabled.`}
          confirmLabel={`Disable ${name}`}
          pendingLabel="Disabling…"
          onConfirm={async () => {
            const result = await setStatusAction({ adminId, status: "disabled" });
            report(result, `${name} is disabled.`);
            return { ok: result.ok, message: "", focus: () => document.getElementById(`enable-${adminId}`) };
          }}
        />
      ) : (
        <Button
          id={`enable-${adminId}`}
          pending={pending}
          onClick={() =>
            start(async () => {
              const result = await setStatusAction({ adminId, status: "active" });
              report(result, `${name} is enabled.`);
              focusNext(() => document.querySelector<HTMLElement>(`[aria-label="Disable ${email}"]`));
            })
          }
          aria-label={`Enable ${email}`}
        >
          Enable
        </Button>
      )}
      <Button
        variant="secondary"
        pending={pending}
        onClick={() => start(async () => report(await endSessionsAction({ adminId }), "Signed out everywhere."))}
        aria-label={`Sign out everywhere: ${email}`} /* the visible text starts the name (WCAG 2.5.3) */
      >
        Sign out everywhere
      </Button>
      {passwordOff ? (
        <Button
          variant="secondary"
          pending={pending}
          onClick={() =>
            start(async () => report(await enablePasswordAction({ adminId }), "Password sign-in allowed."))
          }
          aria-label={`Allow password sign-in for ${email}`}
        >
          Allow password sign-in
        </Button>
      ) : null}
      {self ? null : (
        <InlineConfirm
          label="Reset password"
          openerLabel={`Reset password of ${email}`}
          question={`Reset ${name}'s password? They are signed out and sign in with a new password shown once.`}
          confirmLabel="Reset password"
          pendingLabel="Resetting…"
          onConfirm={async () => {
            const result = await resetPasswordAction({ adminId });
            setNewPassword(result.ok ? result.data.password : undefined);
            report(result, `New password for ${name} shown below: give it to them out of band.`);
            return { ok: result.ok, message: "", focus: () => document.getElementById(`new-password-${adminId}`) };
          }}
        />
      )}
      <StatusLine tone={message?.ok === false ? "error" : "success"} className="text-xs">
        {message?.text}
      </StatusLine>
      {newPassword ? <NewPassword id={`new-password-${adminId}`} name={name} password={newPassword} /> : null}
    </div>
  );
}
