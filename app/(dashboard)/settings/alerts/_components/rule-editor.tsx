"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { Checkbox } from "@/components/ui/form-controls";
import { deleteRuleAction, updateRuleAction } from "../actions";

export interface RuleView {
  id: string;
  name: string;
  threshold: number;
  windowMin: number;
  forMin: number;
  resolveMin: number;
  renotifyMin: number;
  severity: string;
  enabled: boolean;
  channelIds: string[];
  fixedWindow: boolean;
  unit: string;
  op: string;
  isOverride: boolean;
}

/** One rule's settings, saved together (the server audits the before/after). */
export function RuleEditor({ rule, channels }: { rule: RuleView; channels: { id: string; name: string }[] }) {
  const [enabled, setEnabled] = useState(rule.enabled);
  const [routed, setRouted] = useState(new Set(rule.channelIds));
  const [result, setResult] = useState<Awaited<ReturnType<typeof updateRuleAction>> | null>(null);
  const [pending, start] = useTransition();
  const fields = result && !result.ok ? result.fieldErrors : undefined;
  const f = (name: string) => `${name}-${rule.id}`;
  return (
    <form
      aria-label={`Edit ${rule.name}`}
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const num = (k: string) => String(data.get(k) ?? "");
        start(async () =>
          setResult(
            await updateRuleAction({
              id: rule.id,
              threshold: num("threshold"),
              windowMin: num("windowMin"),
              forMin: num("forMin"),
              resolveMin: num("resolveMin"),
              renotifyMin: num("renotifyMin"),
              severity: num("severity"),
              enabled,
              channelIds: [...routed],
            }),
          ),
        );
      }}
    >
      {result?.ok ? <Notice tone="success">Saved.</Notice> : null}
      {result && !result.ok && !fields ? <Notice tone="error">{result.error.message}</Notice> : null}
      <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <TextField
          id={f("threshold")}
          label={`Threshold (${rule.op} ${rule.unit})`}
          name="threshold"
          inputMode="decimal"
          defaultValue={rule.threshold}
          errors={fields?.threshold}
        />
        <TextField
          id={f("windowMin")}
          label="Window (min)"
          name="windowMin"
          inputMode="numeric"
          defaultValue={rule.windowMin}
          readOnly={rule.fixedWindow}
          errors={fields?.windowMin}
        />
        <TextField
          id={f("forMin")}
          label="Pending for (min)"
          name="forMin"
          inputMode="numeric"
          defaultValue={rule.forMin}
          errors={fields?.forMin}
        />
        <TextField
          id={f("resolveMin")}
          label="Resolve after (min)"
          name="resolveMin"
          inputMode="numeric"
          defaultValue={rule.resolveMin}
          errors={fields?.resolveMin}
        />
        <TextField
          id={f("renotifyMin")}
          label="Re-notify every (min, 0 = never)"
          name="renotifyMin"
          inputMode="numeric"
          defaultValue={rule.renotifyMin}
          errors={fields?.renotifyMin}
        />
        <SelectField id={f("severity")} label="Severity" name="severity" defaultValue={rule.severity}>
          <option>info</option>
          <option>warning</option>
          <option>critical</option>
        </SelectField>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <Checkbox label="Enabled" checked={enabled} onChange={setEnabled} />
        {channels.length ? <span className="text-xs text-slate-600 dark:text-slate-400">Notify:</span> : null}
        {channels.map((c) => (
          <Checkbox
            key={c.id}
            label={c.name}
            checked={routed.has(c.id)}
            onChange={(on) => {
              const next = new Set(routed);
              if (on) next.add(c.id);
              else next.delete(c.id);
              setRouted(next);
            }}
          />
        ))}
        {fields?.channelIds ? <span className="text-xs text-red-700">{fields.channelIds.join(" ")}</span> : null}
        <Button type="submit" disabled={pending} aria-label={`Save ${rule.name}`}>
          {pending ? "Saving…" : "Save"}
        </Button>
        {rule.isOverride ? (
          <Button
            variant="danger"
            disabled={pending}
            aria-label={`Delete override: ${rule.name}`}
            onClick={() => start(async () => void setResult((await deleteRuleAction({ id: rule.id })) as never))}
          >
            Delete override
          </Button>
        ) : null}
      </div>
    </form>
  );
}
