"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine } from "@/components/ui/focus-management";
import { submitKeepingInput } from "@/components/ui/submit-keeping-input";
import type { SinkKind } from "@/lib/schemas/audit-sinks";
import { updateSinkAction } from "../actions";
import { SINK_FIELD_LABELS, SinkTargetFields, sinkInput } from "./sink-form";

type State = Awaited<ReturnType<typeof updateSinkAction>> | null;

/** Change a sink. Blank target fields keep the stored (encrypted) values; the kind cannot change. */
export function SinkEditForm({
  sink,
}: {
  sink: { id: string; name: string; kind: SinkKind; includeDenials: boolean };
}) {
  const prefix = `edit-${sink.id}`;
  const [state, formAction, pending] = useActionState(async (_prev: State, data: FormData) => {
    const all = sinkInput(data, sink.kind);
    // Only what was typed: a blank URL, host or token means "keep"; the port and TLS go with the host.
    const input: Record<string, unknown> = { id: sink.id, name: all.name, includeDenials: all.includeDenials };
    for (const k of ["url", "host", "token", "index", "caCert"]) if (all[k]) input[k] = all[k];
    if (sink.kind === "syslog" && all.host) Object.assign(input, { port: all.port, tls: all.tls });
    return updateSinkAction(input);
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  const ids = Object.fromEntries(Object.keys(SINK_FIELD_LABELS).map((k) => [k, `${prefix}-${k}`]));
  return (
    <details className="text-sm">
      <summary className="inline-flex min-h-6 cursor-pointer items-center text-link underline">
        Edit {sink.name}
      </summary>
      <form
        onSubmit={submitKeepingInput(formAction)}
        className="mt-2 space-y-3"
        aria-label={`Edit ${sink.name}`}
        noValidate
      >
        <ErrorSummary failure={state && !state.ok ? state : null} labels={SINK_FIELD_LABELS} ids={ids} />
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField
            id={`${prefix}-name`}
            label="Name"
            name="name"
            required
            defaultValue={sink.name}
            maxLength={100}
            errors={fields?.name}
          />
          <label className="mt-6 inline-flex min-h-6 items-center gap-2 text-sm">
            <input type="checkbox" name="includeDenials" defaultChecked={sink.includeDenials} className="h-4 w-4" />
            Also send enforcer denials
          </label>
        </div>
        <SinkTargetFields kind={sink.kind} fields={fields} optional idPrefix={prefix} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" pending={pending}>
            {pending ? "Saving…" : "Save changes"}
          </Button>
          <StatusLine>{state?.ok ? `Saved ${state.data.name}.` : null}</StatusLine>
        </div>
      </form>
    </details>
  );
}
