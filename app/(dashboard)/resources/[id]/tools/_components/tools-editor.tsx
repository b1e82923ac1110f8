"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EditableList } from "@/components/ui/editable-list";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { errorsFor, inputClass } from "@/components/ui/form-controls";
import { LengthLimit } from "@/components/ui/length-limit";
import { useLiveFieldErrors } from "@/components/ui/live-field-errors";
import { useUnsavedChangesWarning } from "@/components/ui/unsaved-changes";
import { type ResourceDraft, UpdateToolsInput } from "@/lib/schemas/resources";
import { updateToolsAction } from "../../../actions";
import { ImportTools } from "./import-tools";

type Row = { name: string; enabled: boolean; scopes: string; description: string; importedNew?: boolean };
const words = (t: string) => t.split(/[\s,]+/).filter(Boolean);

/** The tool allowlist: enable switches, per-tool scopes, add by name or import, default for unlisted tools. */
export function ToolsEditor({
  resourceId,
  draft,
}: {
  resourceId: string;
  draft: Pick<ResourceDraft, "tools" | "unlistedTools" | "scopes">;
}) {
  const router = useRouter();
  const [rows, setRows] = useState<Row[]>(
    draft.tools.map((t) => ({
      name: t.name,
      enabled: t.enabled,
      scopes: t.scopes.join(" "),
      description: t.description ?? "",
      ...(t.importedNew ? { importedNew: true } : {}),
    })),
  );
  const [unlisted, setUnlisted] = useState(draft.unlistedTools);
  const [newName, setNewName] = useState("");
  const [dirty, setDirty] = useState(false);
  useUnsavedChangesWarning(dirty);
  const [result, setResult] = useState<Awaited<ReturnType<typeof updateToolsAction>> | null>(null);
  const [pending, start] = useTransition();
  const focusNext = useFocusNext();
  const input = {
    id: resourceId,
    unlistedTools: unlisted,
    tools: rows.map((r) => ({
      name: r.name,
      enabled: r.enabled,
      scopes: words(r.scopes),
      ...(r.description ? { description: r.description } : {}),
      ...(r.importedNew ? { importedNew: true } : {}),
    })),
  };
  // Each row's error sits by the row and clears once that row is fixed (issue 13 #11).
  const errors = useLiveFieldErrors(UpdateToolsInput, input, result && !result.ok ? result : null);
  /** A row's errors other than its scopes' (those sit under the scopes input). */
  const rowErrors = (i: number) =>
    Object.entries(errors ?? {})
      .filter(([k]) => (k === `tools.${i}` || k.startsWith(`tools.${i}.`)) && !k.startsWith(`tools.${i}.scopes`))
      .flatMap(([, m]) => m)
      .join(" ") || null;
  const update = (next: Row[]) => {
    setRows(next);
    setDirty(true);
  };
  const addRows = (items: { name: string; description?: string | null }[]) =>
    update([
      ...rows,
      ...items
        .filter((t) => !rows.some((r) => r.name === t.name))
        .map((t) => ({ name: t.name, enabled: true, scopes: "", description: t.description ?? "" })),
    ]);
  /**
   * Issue 13 #5: tools an import finds arrive disabled and marked new (only the last import's marks count); the
   * admin enables each one knowingly, and publishing one still enabled-and-new asks first.
   */
  const addImported = (items: { name: string; description?: string | null }[]) =>
    update([
      ...rows.map(({ importedNew: _, ...r }) => r),
      ...items
        .filter((t) => !rows.some((r) => r.name === t.name))
        .map((t) => ({
          name: t.name,
          enabled: false,
          scopes: "",
          description: t.description ?? "",
          importedNew: true,
        })),
    ]);
  const save = () =>
    start(async () => {
      const res = await updateToolsAction(input);
      setResult(res);
      if (res.ok) {
        setDirty(false);
        router.refresh();
        // Saved to the draft: the next step is Publish (in the resource's header).
        focusNext(() => document.querySelector<HTMLElement>('form[aria-label="Publish"] button[type="submit"]'));
      }
    });
  return (
    <div className="space-y-6">
      <Card title="Tool allowlist">
        <ErrorSummary
          failure={result && !result.ok ? result : null}
          labels={{ tools: "Tools", unlistedTools: "Tools not in the list" }}
          ids={{ unlistedTools: "unlisted" }}
        />
        <EditableList
          noun="tool"
          columns={["Tool", "Enabled", "Required scopes (all of)", "Description"]}
          rows={rows}
          rowKey={(r) => r.name}
          rowTestId={(r) => `tool-${r.name}`}
          onChange={update}
          empty={
            <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
              No tools listed yet: add them by name or import them from the running server.
            </p>
          }
          cells={(r, patch, i) => (
            <>
              <td className="max-w-[16rem] py-2 pr-3 font-mono text-xs">
                {/* A 128-character name wraps inside its cell (issue 13 #12). */}
                <span className="break-all">{r.name}</span>
                {r.importedNew ? (
                  <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 font-sans text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
                    new from import
                  </span>
                ) : null}
                {rowErrors(i) ? <p className="font-sans text-red-700 dark:text-red-400">{rowErrors(i)}</p> : null}
              </td>
              <td className="py-2 pr-3">
                <input
                  type="checkbox"
                  role="switch"
                  aria-checked={r.enabled}
                  aria-label={`${r.name} enabled`}
                  checked={r.enabled}
                  onChange={(e) => patch({ enabled: e.currentTarget.checked })}
                  className="h-4 w-4"
                />
              </td>
              <td className="py-2 pr-3">
                <input
                  id={`tool-scopes-${i}`}
                  aria-label={`Scopes for ${r.name}`}
                  aria-invalid={errorsFor(errors, `tools.${i}.scopes`) ? true : undefined}
                  aria-describedby={errorsFor(errors, `tools.${i}.scopes`) ? `tool-scopes-${i}-error` : undefined}
                  className={`${inputClass} font-mono`}
                  list="known-scopes"
                  value={r.scopes}
                  onChange={(e) => patch({ scopes: e.currentTarget.value })}
                />
                {errorsFor(errors, `tools.${i}.scopes`) ? (
                  <p id={`tool-scopes-${i}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400">
                    {errorsFor(errors, `tools.${i}.scopes`)?.join(" ")}
                  </p>
                ) : null}
              </td>
              <td className="py-2 pr-3">
                <input
                  id={`tool-description-${i}`}
                  aria-label={`Description of ${r.name}`}
                  aria-describedby={`tool-description-${i}-limit`}
                  className={inputClass}
                  value={r.description}
                  onChange={(e) => patch({ description: e.currentTarget.value })}
                />
                <LengthLimit forId={`tool-description-${i}`} max={2000} value={r.description} compact />
              </td>
            </>
          )}
          add={{
            label: "Add tool",
            disabled: !newName.trim() || newName.trim().length > 128,
            onAdd: () => {
              if (newName.trim()) {
                addRows([{ name: newName.trim() }]);
                setNewName("");
              }
              return undefined;
            },
            fields: (
              <div className="flex-1">
                <label htmlFor="new-tool" className="block text-sm font-medium">
                  Tool name
                </label>
                <input
                  id="new-tool"
                  aria-describedby="new-tool-limit"
                  className={`${inputClass} font-mono`}
                  placeholder="read_file"
                  value={newName}
                  onChange={(e) => setNewName(e.currentTarget.value)}
                />
                <LengthLimit forId="new-tool" max={128} value={newName} />
              </div>
            ),
          }}
        />
        <datalist id="known-scopes">
          {draft.scopes.map((s) => (
            <option key={s.name} value={s.name} />
          ))}
        </datalist>
        <div className="mt-4 max-w-sm">
          <label htmlFor="unlisted" className="block text-sm font-medium">
            Tools not in the list
          </label>
          <select
            id="unlisted"
            className={inputClass}
            value={unlisted}
            onChange={(e) => {
              setUnlisted(e.currentTarget.value as "deny" | "allow");
              setDirty(true);
            }}
          >
            <option value="deny">Deny (recommended: fail closed)</option>
            <option value="allow">Allow</option>
          </select>
        </div>
        <div className="mt-4 flex flex-wrap items-center gap-3">
          <Button onClick={save} pending={pending}>
            {pending ? "Saving…" : "Save tools"}
          </Button>
          {dirty ? <span className="text-xs text-amber-800 dark:text-amber-400">Unsaved changes</span> : null}
          <StatusLine>{result?.ok && !dirty ? "Tools saved to the draft. Publish to apply them." : null}</StatusLine>
        </div>
      </Card>
      <Card title="Import from a running MCP server">
        <ImportTools existing={new Set(rows.map((r) => r.name))} onAdd={addImported} />
      </Card>
    </div>
  );
}
