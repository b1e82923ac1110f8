"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { errorsFor, inputClass } from "@/components/ui/form-controls";
import type { ResourceDraft } from "@/lib/schemas/resources";
import { updateToolsAction } from "../../../actions";
import { ImportTools } from "./import-tools";

type Row = { name: string; enabled: boolean; scopes: string; description: string };
const th = "py-2 pr-3 text-left text-xs font-medium uppercase text-slate-500";
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
    })),
  );
  const [unlisted, setUnlisted] = useState(draft.unlistedTools);
  const [newName, setNewName] = useState("");
  const [dirty, setDirty] = useState(false);
  const [result, setResult] = useState<Awaited<ReturnType<typeof updateToolsAction>> | null>(null);
  const [pending, start] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : undefined;
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
  const save = () =>
    start(async () => {
      const res = await updateToolsAction({
        id: resourceId,
        unlistedTools: unlisted,
        tools: rows.map((r) => ({
          name: r.name,
          enabled: r.enabled,
          scopes: words(r.scopes),
          ...(r.description ? { description: r.description } : {}),
        })),
      });
      setResult(res);
      if (res.ok) {
        setDirty(false);
        router.refresh();
      }
    });
  return (
    <div className="space-y-6">
      <Card title="Tool allowlist">
        {rows.length === 0 ? (
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
            No tools listed yet: add them by name or import them from the running server.
          </p>
        ) : null}
        {rows.length ? (
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={th}>Tool</th>
                <th className={th}>Enabled</th>
                <th className={th}>Required scopes (all of)</th>
                <th className={th}>Description</th>
                <th className={th}>
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((r, i) => (
                <tr key={r.name} data-testid={`tool-${r.name}`}>
                  <td className="py-2 pr-3 font-mono text-xs">
                    {r.name}
                    {errorsFor(errors, `tools.${i}`) ? (
                      <p className="text-red-600 dark:text-red-400">{errorsFor(errors, `tools.${i}`)?.join(" ")}</p>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3">
                    <input
                      type="checkbox"
                      role="switch"
                      aria-checked={r.enabled}
                      aria-label={`${r.name} enabled`}
                      checked={r.enabled}
                      onChange={(e) => {
                        const enabled = e.currentTarget.checked;
                        update(rows.map((x, j) => (j === i ? { ...x, enabled } : x)));
                      }}
                      className="h-4 w-4"
                    />
                  </td>
                  <td className="py-2 pr-3">
                    <input
                      aria-label={`Scopes for ${r.name}`}
                      className={`${inputClass} font-mono`}
                      list="known-scopes"
                      value={r.scopes}
                      onChange={(e) => {
                        const scopes = e.currentTarget.value;
                        update(rows.map((x, j) => (j === i ? { ...x, scopes } : x)));
                      }}
                    />
                  </td>
                  <td className="py-2 pr-3">
                    <input
                      aria-label={`Description of ${r.name}`}
                      className={inputClass}
                      maxLength={2000}
                      value={r.description}
                      onChange={(e) => {
                        const description = e.currentTarget.value;
                        update(rows.map((x, j) => (j === i ? { ...x, description } : x)));
                      }}
                    />
                  </td>
                  <td className="py-2 text-right">
                    <Button
                      variant="ghost"
                      aria-label={`Remove tool ${r.name}`}
                      onClick={() => update(rows.filter((_, j) => j !== i))}
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <datalist id="known-scopes">
          {draft.scopes.map((s) => (
            <option key={s.name} value={s.name} />
          ))}
        </datalist>
        <form
          className="mt-4 flex items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (newName.trim()) {
              addRows([{ name: newName.trim() }]);
              setNewName("");
            }
          }}
        >
          <div className="flex-1">
            <label htmlFor="new-tool" className="block text-sm font-medium">
              Tool name
            </label>
            <input
              id="new-tool"
              className={`${inputClass} font-mono`}
              maxLength={128}
              placeholder="read_file"
              value={newName}
              onChange={(e) => setNewName(e.currentTarget.value)}
            />
          </div>
          <Button type="submit" variant="secondary" disabled={!newName.trim()}>
            Add tool
          </Button>
        </form>
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
          <Button onClick={save} disabled={pending}>
            {pending ? "Saving…" : "Save tools"}
          </Button>
          {dirty ? <span className="text-xs text-amber-700 dark:text-amber-400">Unsaved changes</span> : null}
          {result?.ok && !dirty ? (
            <Notice tone="success">Tools saved to the draft. Publish to apply them.</Notice>
          ) : null}
          {result && !result.ok ? <Notice tone="error">{result.error.message}</Notice> : null}
        </div>
      </Card>
      <Card title="Import from a running MCP server">
        <ImportTools existing={new Set(rows.map((r) => r.name))} onAdd={addRows} />
      </Card>
    </div>
  );
}
