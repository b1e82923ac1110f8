"use client";

import { useActionState, useRef, useState } from "react";
import { CopyButton } from "@/components/config/copy-button";
import { Button } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import { SINK_KIND_LABEL, SINK_KINDS, type SinkKind } from "@/lib/schemas/audit-sinks";
import { createSinkAction } from "../actions";

type State = Awaited<ReturnType<typeof createSinkAction>> | null;

export const SINK_FIELD_LABELS: Record<string, string> = {
  kind: "Kind",
  name: "Name",
  url: "URL",
  host: "Host",
  port: "Port",
  tls: "TLS",
  caCert: "CA certificate (optional)",
  token: "HEC token",
  index: "Index (optional)",
};

/** Read a sink form into the schema's shape: checkboxes as booleans, only the chosen kind's fields. */
export function sinkInput(data: FormData, kind: SinkKind): Record<string, unknown> {
  const s = (k: string) => String(data.get(k) ?? "");
  const base = { kind, name: s("name"), includeDenials: data.get("includeDenials") === "on" };
  if (kind === "webhook") return { ...base, url: s("url") };
  if (kind === "syslog")
    return { ...base, host: s("host"), port: s("port"), tls: data.get("tls") === "on", caCert: s("caCert") };
  return { ...base, url: s("url"), token: s("token"), index: s("index") };
}

/** Kind-specific fields, shared with the edit form (`optional`: blank keeps the stored value). */
export function SinkTargetFields({
  kind,
  fields,
  optional = false,
  idPrefix = "",
}: {
  kind: SinkKind;
  fields: Record<string, string[]> | undefined;
  optional?: boolean;
  idPrefix?: string;
}) {
  const keep = optional ? " Leave blank to keep the stored value." : "";
  const id = (k: string) => (idPrefix ? `${idPrefix}-${k}` : k);
  if (kind === "syslog")
    return (
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField
          id={id("host")}
          label={SINK_FIELD_LABELS.host ?? "Host"}
          name="host"
          required={!optional}
          errors={fields?.host}
          hint={`A host name or IP address.${keep}`}
        />
        <TextField
          id={id("port")}
          label={SINK_FIELD_LABELS.port ?? "Port"}
          name="port"
          type="number"
          min={1}
          max={65535}
          defaultValue={optional ? undefined : 6514}
          errors={fields?.port}
          hint="6514 is syslog over TLS (RFC 5425)."
        />
        <label className="mt-6 inline-flex min-h-6 items-center gap-2 text-sm">
          <input id={id("tls")} type="checkbox" name="tls" defaultChecked className="h-4 w-4" />
          Use TLS (plain TCP only to loopback)
        </label>
        <div className="sm:col-span-3">
          <TextAreaField
            id={id("caCert")}
            label={SINK_FIELD_LABELS.caCert ?? "CA"}
            name="caCert"
            rows={2}
            errors={fields?.caCert}
            hint="PEM of a private CA that signed the receiver's certificate; empty: the system's trusted CAs."
          />
        </div>
      </div>
    );
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <div className="sm:col-span-2">
        <TextField
          id={id("url")}
          label={SINK_FIELD_LABELS.url ?? "URL"}
          name="url"
          type="url"
          required={!optional}
          errors={fields?.url}
          hint={`${kind === "splunk_hec" ? "The collector's base URL, e.g. https://splunk.example.com:8088; /services/collector/event is added. " : ""}https; private addresses need ALLOW_PRIVATE_NETWORK_FETCH=true. Stored encrypted.${keep}`}
        />
      </div>
      {kind === "splunk_hec" ? (
        <>
          <TextField
            id={id("token")}
            label={SINK_FIELD_LABELS.token ?? "Token"}
            name="token"
            type="password"
            autoComplete="off"
            required={!optional}
            errors={fields?.token}
            hint={`Sent as Authorization: Splunk …; stored encrypted, never shown again.${keep}`}
          />
          <TextField
            id={id("index")}
            label={SINK_FIELD_LABELS.index ?? "Index"}
            name="index"
            errors={fields?.index}
            hint="Empty: the token's default index."
          />
        </>
      ) : null}
    </div>
  );
}

/** New sink. A webhook's signing secret appears here once, and takes focus: copying it is the next step. */
export function SinkForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const focusNext = useFocusNext();
  const [kind, setKind] = useState<SinkKind>("webhook");
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const r = await createSinkAction(sinkInput(data, kind));
    if (r.ok) {
      formRef.current?.reset();
      focusNext(() => document.getElementById(r.data.signingSecret ? "new-sink-secret" : "new-sink-status"));
    }
    return r;
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div className="space-y-3">
      <StatusLine id="new-sink-status">{state?.ok ? `Sink ${state.data.sink.name} added.` : null}</StatusLine>
      {state?.ok && state.data.signingSecret ? (
        <div
          id="new-sink-secret"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40"
        >
          <p className="font-medium">Signing secret of {state.data.sink.name} (shown once)</p>
          <p className="mt-1 text-xs text-fg">
            Verify each batch&apos;s Portcullis-Signature header (HMAC-SHA256 of &quot;t.body&quot;) with it.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="sink-signing-secret" className="break-all font-mono text-xs">
              {state.data.signingSecret}
            </code>
            <CopyButton value={state.data.signingSecret} label="Copy signing secret" />
          </div>
        </div>
      ) : null}
      <form
        ref={formRef}
        onSubmit={submitKeepingInput(formAction)}
        className="space-y-3"
        aria-label="Add a sink"
        noValidate
      >
        <ErrorSummary failure={state && !state.ok ? state : null} labels={SINK_FIELD_LABELS} />
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField
            label="Kind"
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as SinkKind)}
            errors={fields?.kind}
          >
            {SINK_KINDS.map((k) => (
              <option key={k} value={k}>
                {SINK_KIND_LABEL[k]}
              </option>
            ))}
          </SelectField>
          <TextField label="Name" name="name" required maxLength={100} errors={fields?.name} />
          <label className="mt-6 inline-flex min-h-6 items-center gap-2 text-sm">
            <input type="checkbox" name="includeDenials" className="h-4 w-4" />
            Also send enforcer denials
          </label>
        </div>
        <SinkTargetFields kind={kind} fields={fields} />
        <Button type="submit" pending={pending}>
          {pending ? "Adding…" : "Add sink"}
        </Button>
      </form>
    </div>
  );
}
