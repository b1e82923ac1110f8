"use client";

import { useActionState, useRef } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { createAdminAction } from "../actions";

type State = Awaited<ReturnType<typeof createAdminAction>> | null;

export function CreateAdminForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const focusNext = useFocusNext();
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const result = await createAdminAction(data);
    if (result.ok) {
      formRef.current?.reset();
      // The next step is the new admin's row: its role selector.
      focusNext(() => document.getElementById(`role-${result.data.id}`));
    }
    return result;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form
      ref={formRef}
      onSubmit={submitKeepingInput(formAction)}
      className="space-y-4"
      aria-label="Add admin"
      noValidate
    >
      <StatusLine>{state?.ok ? `Added ${state.data.email} as ${state.data.role}.` : null}</StatusLine>
      <ErrorSummary
        failure={state && !state.ok ? state : null}
        labels={{ email: "Email", name: "Name", role: "Role", password: "Initial password" }}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Email" name="email" type="email" required errors={fields?.email} maxLength={320} />
        <TextField label="Name" name="name" required errors={fields?.name} maxLength={100} />
        <SelectField label="Role" name="role" defaultValue="viewer" errors={fields?.role}>
          <option value="viewer">viewer — read only</option>
          <option value="admin">admin — all configuration</option>
          <option value="owner">owner — everything, including admins</option>
        </SelectField>
        <TextField
          label="Initial password"
          name="password"
          type="password"
          required
          autoComplete="new-password"
          errors={fields?.password}
          hint="At least 12 characters. Share it with the admin out of band: they replace it at first sign-in."
        />
      </div>
      <Button type="submit" pending={pending}>
        {pending ? "Adding…" : "Add admin"}
      </Button>
    </form>
  );
}
