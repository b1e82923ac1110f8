"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { errorsFor, inputClass } from "@/components/ui/form-controls";
import { BASE_SCOPES, type ResourceDraft, ScopeName } from "@/lib/schemas/resources";

type Scope = ResourceDraft["scopes"][number];
const BASE = new Set<string>(BASE_SCOPES.map((s) => s.name));
const th = "py-2 pr-3 text-left text-xs font-medium uppercase text-slate-500";

/** The resource's scopes: base MCP scopes preset, custom ones added with a description. */
export function ScopesCard({
  scopes,
  setScopes,
  errors,
}: {
  scopes: Scope[];
  setScopes: (s: Scope[]) => void;
  errors: Record<string, string[]> | undefined;
}) {
  const [newScope, setNewScope] = useState({ name: "", description: "" });
  const [newScopeError, setNewScopeError] = useState<string>();
  // RFC 6749 §3.3 scope-token syntax, checked here for a quick answer and again on the server.
  const addScope = () => {
    const parsed = ScopeName.safeParse(newScope.name);
    if (!parsed.success) return setNewScopeError(parsed.error.issues[0]?.message);
    if (scopes.some((s) => s.name === parsed.data)) return setNewScopeError("This scope already exists.");
    setScopes([...scopes, { name: parsed.data, description: newScope.description.trim() }]);
    setNewScope({ name: "", description: "" });
    setNewScopeError(undefined);
  };
  return (
    <Card title="Scopes">
      <table className="w-full text-sm">
        <thead>
          <tr>
            <th className={th}>Scope</th>
            <th className={th}>Description</th>
            <th className={th}>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {scopes.map((s, i) => (
            <tr key={s.name} data-testid={`scope-${s.name}`}>
              <td className="py-2 pr-3 font-mono text-xs">
                {s.name}{" "}
                {BASE.has(s.name) ? (
                  <span className="ml-1 rounded bg-slate-100 px-1 text-[10px] text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                    base
                  </span>
                ) : null}
                {errorsFor(errors, `scopes.${i}`) ? (
                  <p className="text-red-600">{errorsFor(errors, `scopes.${i}`)?.join(" ")}</p>
                ) : null}
              </td>
              <td className="py-2 pr-3">
                <label className="sr-only" htmlFor={`scope-desc-${i}`}>
                  Description of {s.name}
                </label>
                <input
                  id={`scope-desc-${i}`}
                  className={inputClass}
                  value={s.description}
                  maxLength={500}
                  onChange={(e) => {
                    const description = e.currentTarget.value;
                    setScopes(scopes.map((x, j) => (j === i ? { ...x, description } : x)));
                  }}
                />
              </td>
              <td className="py-2 text-right">
                <Button
                  variant="ghost"
                  aria-label={`Remove scope ${s.name}`}
                  onClick={() => setScopes(scopes.filter((_, j) => j !== i))}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {errors?.scopes ? <p className="mt-2 text-xs text-red-600 dark:text-red-400">{errors.scopes.join(" ")}</p> : null}
      <div className="mt-4 grid items-end gap-3 sm:grid-cols-[1fr_2fr_auto]">
        <div>
          <label htmlFor="new-scope-name" className="block text-sm font-medium">
            New scope
          </label>
          <input
            id="new-scope-name"
            className={inputClass}
            value={newScope.name}
            placeholder="files:read"
            aria-invalid={newScopeError ? true : undefined}
            aria-describedby={newScopeError ? "new-scope-error" : undefined}
            onChange={(e) => setNewScope({ ...newScope, name: e.currentTarget.value })}
          />
        </div>
        <div>
          <label htmlFor="new-scope-desc" className="block text-sm font-medium">
            Scope description
          </label>
          <input
            id="new-scope-desc"
            className={inputClass}
            value={newScope.description}
            maxLength={500}
            onChange={(e) => setNewScope({ ...newScope, description: e.currentTarget.value })}
          />
        </div>
        <Button variant="secondary" onClick={addScope}>
          Add scope
        </Button>
      </div>
      {newScopeError ? (
        <p id="new-scope-error" className="mt-1 text-xs text-red-600 dark:text-red-400">
          {newScopeError}
        </p>
      ) : null}
    </Card>
  );
}
