"use client";

import { useActionState, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { createAdminAction } from "../actions";

type State = Awaited<ReturnType<typeof createAdminAction>> | null;

export function CreateAdminForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const result = await createAdminAction(data);
    if (result.ok) formRef.current?.reset();
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
      {state?.ok ? (
        <Notice tone="success">
          Added {state.data.email} as {state.data.role}.
        </Notice>
      ) : null}
      {state && !state.ok && !fields ? <Notice tone="error">{state.error.message}</Notice> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Email" name="email" type="email" errors={fields?.email} maxLength={400} />
        <TextField label="Name" name="name" errors={fields?.name} maxLength={200} />
        <SelectField label="Role" name="role" defaultValue="viewer" errors={fields?.role}>
          <option value="viewer">viewer — read only</option>
          <option value="admin">admin — all configuration</option>
          <option value="owner">owner — everything, including admins</option>
        </SelectField>
        <TextField
          label="Initial password"
          name="password"
          type="password"
          autoComplete="new-password"
          errors={fields?.password}
          hint="At least 12 characters. Share it with the admin out of band."
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add admin"}
      </Button>
    </form>
  );
}
