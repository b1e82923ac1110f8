"use client";

import { useState } from "react";
import { Card } from "@/components/ui/card";
import { EditableList } from "@/components/ui/editable-list";
import { Checkbox, errorsFor, inputClass } from "@/components/ui/form-controls";

export type MethodRow = { method: string; anyOf: string; enabled: boolean };

/** MCP method → required scopes (any of), with an enabled switch per method. */
export function MethodsCard({
  methods,
  setMethods,
  errors,
}: {
  methods: MethodRow[];
  setMethods: (m: MethodRow[]) => void;
  errors: Record<string, string[]> | undefined;
}) {
  const [newMethod, setNewMethod] = useState("");
  return (
    <Card title="Methods → required scopes">
      <p className="mb-3 text-xs text-muted">
        A token needs at least one of the listed scopes (space-separated); empty means any valid token. Per-tool scopes
        are added on the Tools tab.
      </p>
      <EditableList
        noun="method"
        columns={["MCP method", "Any of", "Enabled"]}
        rows={methods}
        rowKey={(m) => m.method}
        onChange={setMethods}
        cells={(m, update, i) => (
          <>
            <td className="py-2 pr-3 font-mono text-xs">{m.method}</td>
            <td className="py-2 pr-3">
              <label className="sr-only" htmlFor={`method-${i}`}>
                Scopes for {m.method}
              </label>
              <input
                id={`method-${i}`}
                className={`${inputClass} font-mono`}
                value={m.anyOf}
                onChange={(e) => update({ anyOf: e.currentTarget.value })}
              />
              {errorsFor(errors, `methods.${m.method}`) ? (
                <p className="mt-1 text-xs text-red-600 dark:text-red-400">
                  {errorsFor(errors, `methods.${m.method}`)?.join(" ")}
                </p>
              ) : null}
            </td>
            <td className="py-2 pr-3">
              <Checkbox
                label={<span className="sr-only">{m.method} enabled</span>}
                checked={m.enabled}
                onChange={(enabled) => update({ enabled })}
              />
            </td>
          </>
        )}
        add={{
          label: "Add method",
          disabled: !newMethod.trim() || methods.some((m) => m.method === newMethod.trim()),
          onAdd: () => {
            setMethods([...methods, { method: newMethod.trim(), anyOf: "", enabled: true }]);
            setNewMethod("");
            return undefined;
          },
          fields: (
            <div className="flex-1">
              <label htmlFor="new-method" className="block text-sm font-medium">
                Add a method
              </label>
              <input
                id="new-method"
                className={`${inputClass} font-mono`}
                placeholder="completion/complete"
                value={newMethod}
                onChange={(e) => setNewMethod(e.currentTarget.value)}
              />
            </div>
          ),
        }}
      />
    </Card>
  );
}
