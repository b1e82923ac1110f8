"use client";

import { useActionState, useRef, useState } from "react";
import { SecretOnce } from "@/components/config/secret-once";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { errorsFor } from "@/components/ui/form-controls";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { createApiTokenAction } from "../actions";

type State = Awaited<ReturnType<typeof createApiTokenAction>> | null;

const LABELS = {
  name: "Token name",
  role: "Role",
  permissions: "Permissions",
  expiresInDays: "Expires in (days)",
  allowedCidrs: "Allowed source addresses",
};

/** On success the new token (shown once) takes focus: copying it is the next step. */
export function CreateTokenForm({
  roles,
  permissionsByRole,
  defaultDays,
  maxDays,
}: {
  roles: string[];
  permissionsByRole: Record<string, string[]>;
  defaultDays: number;
  maxDays: number;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusNext = useFocusNext();
  const [role, setRole] = useState(roles[0] ?? "viewer");
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const lines = String(data.get("allowedCidrs") ?? "")
      .split(/[\n,]/)
      .map((l) => l.trim())
      .filter(Boolean);
    const result = await createApiTokenAction({
      name: data.get("name") ?? "",
      role: data.get("role") ?? "",
      permissions: data.getAll("permissions").map(String),
      expiresInDays: data.get("expiresInDays") || undefined,
      allowedCidrs: lines,
    });
    if (result.ok) {
      formRef.current?.reset();
      setRole(roles[0] ?? "viewer");
      focusNext(() => document.getElementById("new-api-token"));
    }
    return result;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  const permissionErrors = errorsFor(fields, "permissions");
  return (
    <div className="space-y-4">
      <StatusLine>{state?.ok ? `Token ${state.data.apiToken.name} created. Copy it now.` : null}</StatusLine>
      {state?.ok ? (
        <SecretOnce
          id="new-api-token"
          secret={state.data.token}
          title={`Token "${state.data.apiToken.name}" created`}
          hint={
            <>
              Use it as <code>Authorization: Bearer …</code>.
            </>
          }
          testId="new-api-token-value"
          copyLabel="Copy token"
        />
      ) : null}
      <form
        ref={formRef}
        onSubmit={submitKeepingInput(formAction)}
        className="space-y-4"
        aria-label="Create API token"
        noValidate
      >
        <ErrorSummary
          failure={state && !state.ok ? state : null}
          labels={LABELS}
          ids={{ permissions: "permissions-legend" }}
        />
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField
            label={LABELS.name}
            name="name"
            required
            maxLength={100}
            errors={fields?.name}
            hint="What uses it, e.g. the CI pipeline."
          />
          <SelectField
            label={LABELS.role}
            name="role"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value)}
            errors={fields?.role}
            hint="At most your own role."
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </SelectField>
          <TextField
            label={LABELS.expiresInDays}
            name="expiresInDays"
            type="number"
            min={1}
            max={maxDays}
            defaultValue={defaultDays}
            errors={fields?.expiresInDays}
            hint={`Default ${defaultDays}, at most ${maxDays}.`}
          />
        </div>
        <fieldset aria-describedby="permissions-hint">
          <legend id="permissions-legend" tabIndex={-1} className="text-sm font-medium text-fg">
            {LABELS.permissions}
          </legend>
          <p id="permissions-hint" className="text-xs text-muted">
            Tick some to narrow the token; none ticked means everything the role allows.
          </p>
          <div className="mt-2 grid gap-1 sm:grid-cols-3">
            {(permissionsByRole[role] ?? []).map((p) => (
              <label key={`${role}-${p}`} className="inline-flex min-h-6 items-center gap-2 text-sm">
                <input type="checkbox" name="permissions" value={p} className="h-4 w-4" />
                <code>{p}</code>
              </label>
            ))}
          </div>
          {permissionErrors ? (
            <p className="mt-1 text-xs text-red-700 dark:text-red-400">{permissionErrors.join(" ")}</p>
          ) : null}
        </fieldset>
        <TextAreaField
          label={LABELS.allowedCidrs}
          name="allowedCidrs"
          rows={2}
          errors={errorsFor(fields, "allowedCidrs")}
          hint="Optional. One range per line, e.g. 203.0.113.0/24 or 2001:db8::/32; empty means any address."
        />
        <Button type="submit" pending={pending}>
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}
