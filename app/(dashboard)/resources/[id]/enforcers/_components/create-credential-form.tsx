"use client";

import { useActionState, useRef } from "react";
import { SecretOnce } from "@/components/config/secret-once";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { createCredentialAction } from "../actions";

type State = Awaited<ReturnType<typeof createCredentialAction>> | null;

/** On success the new secret (shown once) takes focus: copying it is the next step. */
export function CreateCredentialForm({ resourceId }: { resourceId: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusNext = useFocusNext();
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const result = await createCredentialAction({ resourceId, name: data.get("name") ?? "" });
    if (result.ok) {
      formRef.current?.reset();
      focusNext(() => document.getElementById("new-credential"));
    }
    return result;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div className="space-y-3">
      <StatusLine>
        {state?.ok ? `Credential ${state.data.credential.name} created. Copy its secret now.` : null}
      </StatusLine>
      {state?.ok ? (
        <SecretOnce
          id="new-credential"
          secret={state.data.secret}
          title={`Credential "${state.data.credential.name}" created`}
        />
      ) : null}
      <form
        ref={formRef}
        onSubmit={submitKeepingInput(formAction)}
        className="space-y-3"
        aria-label="Create credential"
        noValidate
      >
        <ErrorSummary failure={state && !state.ok ? state : null} labels={{ name: "Credential name" }} />
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-72 max-w-full">
            <TextField
              label="Credential name"
              name="name"
              required
              maxLength={100}
              errors={fields?.name}
              hint="The host, cluster or environment that will use it."
            />
          </div>
          <Button type="submit" pending={pending}>
            {pending ? "Creating…" : "Create credential"}
          </Button>
        </div>
      </form>
    </div>
  );
}
