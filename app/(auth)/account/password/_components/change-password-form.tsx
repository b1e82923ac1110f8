"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ErrorSummary } from "@/components/ui/focus-management";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { changePasswordAction } from "../actions";

type State = Awaited<ReturnType<typeof changePasswordAction>> | null;

/** The admin's own password. On success every session has ended: sign in again with the new password. */
export function ChangePasswordForm() {
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const result = await changePasswordAction(data);
    if (result.ok) window.location.assign("/signin?notice=password_changed");
    return result;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form onSubmit={submitKeepingInput(formAction)} className="space-y-4" aria-label="Change password" noValidate>
      <ErrorSummary
        failure={state && !state.ok ? state : null}
        labels={{
          currentPassword: "Current password",
          newPassword: "New password",
          confirmPassword: "New password again",
        }}
      />
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        maxLength={256}
        errors={fields?.currentPassword}
        autoFocus
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        maxLength={256}
        errors={fields?.newPassword}
        hint="At least 12 characters, not the one you were given. Only you will know it."
      />
      <TextField
        label="New password again"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        maxLength={256}
        errors={fields?.confirmPassword}
      />
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
