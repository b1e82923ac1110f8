"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { Checkbox, inputClass } from "@/components/ui/form-controls";
import type { DiscoveredTool } from "@/lib/server/resources/import-tools";
import { importToolsAction } from "../../../actions";

/**
 * Import from a running MCP server: the control plane (not the browser) calls its tools/list.
 * The token lives in this component's state only; it is cleared after each call.
 */
export function ImportTools({ existing, onAdd }: { existing: Set<string>; onAdd: (tools: DiscoveredTool[]) => void }) {
  const [serverUrl, setServerUrl] = useState("");
  const [token, setToken] = useState("");
  const [found, setFound] = useState<DiscoveredTool[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const list = () =>
    start(async () => {
      const res = await importToolsAction({ serverUrl, bearerToken: token });
      setToken("");
      if (!res.ok) {
        setFound(null);
        setError(res.fieldErrors?.serverUrl?.join(" ") ?? res.error.message);
        return;
      }
      setError(undefined);
      setFound(res.data.tools);
      setPicked(new Set(res.data.tools.filter((t) => !existing.has(t.name)).map((t) => t.name)));
    });
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="import-url" className="block text-sm font-medium">
            MCP server URL
          </label>
          <input
            id="import-url"
            className={inputClass}
            placeholder="https://mcp.example.com/mcp"
            value={serverUrl}
            onChange={(e) => setServerUrl(e.currentTarget.value)}
          />
        </div>
        <div>
          <label htmlFor="import-token" className="block text-sm font-medium">
            Access token (optional)
          </label>
          <input
            id="import-token"
            type="password"
            autoComplete="off"
            className={inputClass}
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
          />
          <p className="mt-1 text-xs text-muted">Used for this one call only: never stored, logged or audited.</p>
        </div>
      </div>
      <Button variant="secondary" disabled={pending || !serverUrl.trim()} onClick={list}>
        {pending ? "Listing…" : "List tools"}
      </Button>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {found ? (
        found.length === 0 ? (
          <Notice tone="info">The server lists no tools.</Notice>
        ) : (
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">{found.length} tools found</legend>
            {found.map((t) => (
              <div key={t.name}>
                <Checkbox
                  label={
                    <>
                      <span className="font-mono">{t.name}</span>
                      {existing.has(t.name) ? " (already listed)" : ""}
                      {t.description ? <span className="text-muted"> — {t.description}</span> : null}
                    </>
                  }
                  checked={picked.has(t.name)}
                  disabled={existing.has(t.name)}
                  onChange={(on) => {
                    const next = new Set(picked);
                    if (on) next.add(t.name);
                    else next.delete(t.name);
                    setPicked(next);
                  }}
                />
              </div>
            ))}
            <Button
              disabled={picked.size === 0}
              onClick={() => {
                onAdd(found.filter((t) => picked.has(t.name)));
                setFound(null);
              }}
            >
              Add {picked.size} selected
            </Button>
          </fieldset>
        )
      ) : null}
    </div>
  );
}
