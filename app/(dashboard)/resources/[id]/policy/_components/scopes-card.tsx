"use client";

import { useState } from "react";
import { Card } from "@/components/ui/card";
import { EditableList } from "@/components/ui/editable-list";
import { errorsFor, inputClass } from "@/components/ui/form-controls";
import { LengthLimit } from "@/components/ui/length-limit";
import { adminMessage } from "@/lib/schemas/error-map";
import { BASE_SCOPES, type ResourceDraft, ScopeName } from "@/lib/schemas/resources";

type Scope = ResourceDraft["scopes"][number];
const BASE = new Set<string>(BASE_SCOPES.map((s) => s.name));

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
  // RFC 6749 §3.3 scope-token syntax, checked here for a quick answer and again on the server.
  const addScope = () => {
    const parsed = ScopeName.safeParse(newScope.name);
    const issue = parsed.error?.issues[0];
    if (!parsed.success) return issue ? adminMessage(issue) : "Enter a scope name.";
    if (scopes.some((s) => s.name === parsed.data)) return "This scope already exists.";
    setScopes([...scopes, { name: parsed.data, description: newScope.description.trim() }]);
    setNewScope({ name: "", description: "" });
    return undefined;
  };
  return (
    <Card title="Scopes">
      <EditableList
        noun="scope"
        columns={["Scope", "Description"]}
        rows={scopes}
        rowKey={(s) => s.name}
        rowTestId={(s) => `scope-${s.name}`}
        onChange={setScopes}
        cells={(s, update, i) => (
          <>
            <td className="max-w-[16rem] py-2 pr-3 font-mono text-xs">
              <span className="break-all">{s.name}</span>{" "}
              {BASE.has(s.name) ? (
                <span className="ml-1 rounded bg-slate-100 px-1 text-[10px] text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                  base
                </span>
              ) : null}
              {errorsFor(errors, `scopes.${i}.name`) ? (
                <p className="font-sans text-red-700 dark:text-red-400">
                  {errorsFor(errors, `scopes.${i}.name`)?.join(" ")}
                </p>
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
                aria-invalid={errorsFor(errors, `scopes.${i}.description`) ? true : undefined}
                aria-describedby={`scope-desc-${i}-limit`}
                onChange={(e) => update({ description: e.currentTarget.value })}
              />
              <LengthLimit forId={`scope-desc-${i}`} max={500} value={s.description} compact />
              {errorsFor(errors, `scopes.${i}.description`) ? (
                <p className="mt-1 text-xs text-red-700 dark:text-red-400">
                  {errorsFor(errors, `scopes.${i}.description`)?.join(" ")}
                </p>
              ) : null}
            </td>
          </>
        )}
        add={{
          label: "Add scope",
          errorId: "new-scope-error",
          onAdd: addScope,
          fields: (
            <>
              <div className="min-w-40 flex-1">
                <label htmlFor="new-scope-name" className="block text-sm font-medium">
                  New scope
                </label>
                <input
                  id="new-scope-name"
                  className={inputClass}
                  value={newScope.name}
                  placeholder="files:read"
                  aria-describedby="new-scope-error"
                  onChange={(e) => setNewScope({ ...newScope, name: e.currentTarget.value })}
                />
              </div>
              <div className="min-w-40 flex-[2]">
                <label htmlFor="new-scope-desc" className="block text-sm font-medium">
                  Scope description
                </label>
                <input
                  id="new-scope-desc"
                  className={inputClass}
                  value={newScope.description}
                  aria-describedby="new-scope-desc-limit"
                  onChange={(e) => setNewScope({ ...newScope, description: e.currentTarget.value })}
                />
                <LengthLimit forId="new-scope-desc" max={500} value={newScope.description} compact />
              </div>
            </>
          ),
        }}
      />
      {errors?.scopes ? <p className="mt-2 text-xs text-red-600 dark:text-red-400">{errors.scopes.join(" ")}</p> : null}
    </Card>
  );
}
