"use client";

import { useActionState, useRef } from "react";
import { SecretOnce } from "@/components/config/secret-once";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { createCredentialAction } from "../actions";

type State = Awaited<ReturnType<typeof createCredentialAction>> | null;

export function CreateCredentialForm({ resourceId }: { resourceId: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const result = await createCredentialAction({ resourceId, name: data.get("name") ?? "" });
    if (result.ok) formRef.current?.reset();
    return result;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div className="space-y-3">
      {state?.ok ? (
        <SecretOnce secret={state.data.secret} title={`Credential "${state.data.credential.name}" created`} />
      ) : null}
      {state && !state.ok && !fields?.name ? <Notice tone="error">{state.error.message}</Notice> : null}
      <form
        ref={formRef}
        onSubmit={submitKeepingInput(formAction)}
        className="flex flex-wrap items-end gap-3"
        aria-label="Create credential"
        noValidate
      >
        <div className="w-72">
          <TextField
            label="Credential name"
            name="name"
            maxLength={100}
            errors={fields?.name}
            hint="The host, cluster or environment that will use it."
          />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create credential"}
        </Button>
      </form>
    </div>
  );
}
