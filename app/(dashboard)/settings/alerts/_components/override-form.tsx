"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { SelectField } from "@/components/ui/field";
import { createRuleAction } from "../actions";

type State = Awaited<ReturnType<typeof createRuleAction>> | null;

/** A per-resource override of a fleet rule: it starts from the kind's defaults, then edit it above. */
export function OverrideForm({
  kinds,
  reasons,
  resources,
}: {
  kinds: { value: string; label: string }[];
  reasons: string[];
  resources: { id: string; name: string }[];
}) {
  const [state, action, pending] = useActionState(async (_prev: State, data: FormData) => {
    return createRuleAction({
      kind: data.get("kind"),
      reason: data.get("reason") ?? "",
      resourceId: data.get("resourceId"),
    });
  }, null);
  const fields = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3" aria-label="Add a per-resource override" noValidate>
      {state?.ok ? <Notice tone="success">Override added: {state.data.name}.</Notice> : null}
      {state && !state.ok && !fields ? <Notice tone="error">{state.error.message}</Notice> : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField label="Rule kind" name="kind" errors={fields?.kind}>
          {kinds.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Reason (authentication failures only)"
          name="reason"
          errors={fields?.reason}
          defaultValue=""
        >
          <option value="">every reason</option>
          {reasons.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </SelectField>
        <SelectField label="Resource" name="resourceId" errors={fields?.resourceId}>
          {resources.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </SelectField>
      </div>
      <Button type="submit" disabled={pending || resources.length === 0}>
        {pending ? "Adding…" : "Add override"}
      </Button>
    </form>
  );
}
