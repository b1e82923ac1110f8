"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, errorsFor, inputClass } from "@/components/ui/form-controls";

export type MethodRow = { method: string; anyOf: string; enabled: boolean };
const th = "py-2 pr-3 text-left text-xs font-medium uppercase text-slate-500";

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
      <p className="mb-3 text-xs text-slate-500">
        A token needs at least one of the listed scopes (space-separated); empty means any valid token. Per-tool scopes
        are added on the Tools tab.
      </p>
      <table className="w-full text-sm">
        <thead>
          <tr>
            <th className={th}>MCP method</th>
            <th className={th}>Any of</th>
            <th className={th}>Enabled</th>
            <th className={th}>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {methods.map((m, i) => (
            <tr key={m.method}>
              <td className="py-2 pr-3 font-mono text-xs">{m.method}</td>
              <td className="py-2 pr-3">
                <label className="sr-only" htmlFor={`method-${i}`}>
                  Scopes for {m.method}
                </label>
                <input
                  id={`method-${i}`}
                  className={`${inputClass} font-mono`}
                  value={m.anyOf}
                  onChange={(e) => {
                    const anyOf = e.currentTarget.value;
                    setMethods(methods.map((x, j) => (j === i ? { ...x, anyOf } : x)));
                  }}
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
                  onChange={(enabled) => setMethods(methods.map((x, j) => (j === i ? { ...x, enabled } : x)))}
                />
              </td>
              <td className="py-2 text-right">
                <Button
                  variant="ghost"
                  aria-label={`Remove method ${m.method}`}
                  onClick={() => setMethods(methods.filter((_, j) => j !== i))}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-4 flex items-end gap-3">
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
        <Button
          variant="secondary"
          disabled={!newMethod.trim() || methods.some((m) => m.method === newMethod.trim())}
          onClick={() => {
            setMethods([...methods, { method: newMethod.trim(), anyOf: "", enabled: true }]);
            setNewMethod("");
          }}
        >
          Add method
        </Button>
      </div>
    </Card>
  );
}
