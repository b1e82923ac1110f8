"use client";

import { useActionState, useRef, useState } from "react";
import { CopyButton } from "@/components/config/copy-button";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { createChannelAction } from "../actions";

type State = Awaited<ReturnType<typeof createChannelAction>> | null;

/** New channel. A webhook's signing secret appears here once; Portcullis keeps it only encrypted. */
export function ChannelForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState("webhook");
  const [state, action, pending] = useActionState(async (_prev: State, data: FormData) => {
    const r = await createChannelAction(data);
    if (r.ok) formRef.current?.reset();
    return r;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form ref={formRef} action={action} className="space-y-3" aria-label="Add a channel" noValidate>
      {state?.ok ? (
        <Notice tone="success">
          Channel {state.data.channel.name} added.
          {state.data.signingSecret ? (
            <span className="mt-2 block">
              Signing secret (shown once; verify the Portcullis-Signature header with it):{" "}
              <code data-testid="channel-signing-secret" className="break-all font-mono text-xs">
                {state.data.signingSecret}
              </code>{" "}
              <CopyButton value={state.data.signingSecret} label="Copy signing secret" />
            </span>
          ) : null}
        </Notice>
      ) : null}
      {state && !state.ok && !fields ? <Notice tone="error">{state.error.message}</Notice> : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value)}
          errors={fields?.kind}
        >
          <option value="webhook">Webhook (signed JSON)</option>
          <option value="slack">Slack incoming webhook</option>
          <option value="email">E-mail (SMTP)</option>
        </SelectField>
        <TextField label="Name" name="name" maxLength={100} errors={fields?.name} />
        <SelectField label="Minimum severity" name="minSeverity" defaultValue="info" errors={fields?.minSeverity}>
          <option>info</option>
          <option>warning</option>
          <option>critical</option>
        </SelectField>
      </div>
      {kind === "email" ? (
        <TextField
          label="Recipients"
          name="to"
          errors={fields?.to}
          hint="Comma-separated addresses; sent through the SMTP server of SMTP_HOST."
        />
      ) : (
        <TextField
          label="URL"
          name="url"
          type="url"
          errors={fields?.url}
          hint="https; private and loopback addresses are refused unless ALLOW_PRIVATE_NETWORK_FETCH=true. Stored encrypted, never shown again."
        />
      )}
      <TextAreaField
        label="Message template (optional)"
        name="template"
        rows={2}
        errors={fields?.template}
        hint="Placeholders: {{state}} {{rule}} {{resource}} {{key}} {{value}} {{threshold}} {{severity}} {{url}}; at most 2000 characters."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add channel"}
      </Button>
    </form>
  );
}
