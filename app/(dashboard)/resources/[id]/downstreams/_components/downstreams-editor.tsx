"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { errorsFor } from "@/components/ui/form-controls";
import { useUnsavedChangesWarning } from "@/components/ui/unsaved-changes";
import type { DownstreamDef } from "@/lib/schemas/resources";

type Row = {
  name: string;
  grant: DownstreamDef["grant"];
  scope: string;
  audience: string;
  tokenEndpoint: string;
  clientId: string;
  clientAuth: DownstreamDef["clientAuth"];
  secretKind: "env" | "file";
  secretRef: string;
};

type SaveResult =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string }; fieldErrors?: Record<string, string[]> };

const toRow = (d: DownstreamDef): Row => ({
  name: d.name,
  grant: d.grant,
  scope: d.scope,
  audience: d.audience ?? "",
  tokenEndpoint: d.tokenEndpoint ?? "",
  clientId: d.clientId,
  clientAuth: d.clientAuth,
  secretKind: d.secretFrom.env !== undefined ? "env" : "file",
  secretRef: d.secretFrom.env ?? d.secretFrom.file ?? "",
});

const fromRow = (r: Row) => ({
  name: r.name,
  grant: r.grant,
  scope: r.scope,
  audience: r.audience,
  tokenEndpoint: r.tokenEndpoint,
  clientId: r.clientId,
  clientAuth: r.clientAuth,
  secretFrom: r.secretKind === "env" ? { env: r.secretRef } : { file: r.secretRef },
});

const blank = (kind: string): Row => ({
  name: "",
  grant: kind === "entra" ? "entra_obo" : "token_exchange",
  scope: "",
  audience: "",
  tokenEndpoint: "",
  clientId: "",
  clientAuth: "client_secret_basic",
  secretKind: "env",
  secretRef: "",
});

/**
 * The Downstream APIs tab (issue 13 #1): each downstream a tool calls as the user, with the grant, what to ask for,
 * the token endpoint (derived from the IdP profile unless set) and how the enforcer authenticates. Only *where* the
 * secret lives is entered here: the secret stays on the MCP server's host.
 */
export function DownstreamsEditor({
  resourceId,
  initial,
  derivedTokenEndpoint,
  idpKind,
  save,
}: {
  resourceId: string;
  initial: DownstreamDef[];
  derivedTokenEndpoint: string | null;
  idpKind: string;
  save: (input: { id: string; downstreams: unknown[] }) => Promise<SaveResult>;
}) {
  const router = useRouter();
  const [rows, setRows] = useState<Row[]>(initial.map(toRow));
  const [result, setResult] = useState<SaveResult | null>(null);
  const [dirty, setDirty] = useState(false);
  useUnsavedChangesWarning(dirty);
  const [pending, start] = useTransition();
  const summary = useRef<HTMLDivElement>(null);
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  const update = (i: number, patch: Partial<Row>) => {
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setDirty(true);
  };
  const submit = () => {
    if (pending) return; // aria-disabled, not disabled: the button keeps focus while saving
    start(async () => {
      const res = await save({ id: resourceId, downstreams: rows.map(fromRow) });
      setResult(res);
      if (res.ok) {
        setDirty(false);
        router.refresh();
      }
      // Focus the outcome, so a keyboard user hears it and continues from there.
      requestAnimationFrame(() => summary.current?.focus());
    });
  };
  const err = (i: number, field: string) => errorsFor(errors, `downstreams.${i}.${field}`);
  return (
    <Card title="Downstream APIs">
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        APIs your tools call as the signed-in user. The enforcer exchanges the user&rsquo;s token at the IdP (
        {idpKind === "entra" ? "Entra on-behalf-of" : "RFC 8693 token exchange"}) and caches the result until shortly
        before it expires. Secrets never enter Portcullis: say where the enforcer reads them on the MCP server&rsquo;s
        host.
      </p>
      {rows.length === 0 ? <p className="mb-4 text-sm">No downstream APIs yet.</p> : null}
      <div className="space-y-6">
        {rows.map((r, i) => {
          const id = (f: string) => `ds-${i}-${f}`;
          return (
            <fieldset
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; a name may be empty or change
              key={i}
              className="rounded-md border border-slate-200 p-4 dark:border-slate-700"
              data-testid={`downstream-${i}`}
            >
              <legend className="px-1 text-sm font-semibold">{r.name || `Downstream API ${i + 1}`}</legend>
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField
                  id={id("name")}
                  name={id("name")}
                  label="Name"
                  required
                  value={r.name}
                  maxLength={100}
                  placeholder="graph"
                  hint="Tools pass this name to the OBO client."
                  errors={err(i, "name")}
                  onChange={(e) => update(i, { name: e.currentTarget.value })}
                />
                <SelectField
                  id={id("grant")}
                  name={id("grant")}
                  label="Grant"
                  value={r.grant}
                  errors={err(i, "grant")}
                  onChange={(e) => update(i, { grant: e.currentTarget.value as Row["grant"] })}
                >
                  <option value="entra_obo">Entra on-behalf-of (jwt-bearer)</option>
                  <option value="token_exchange">RFC 8693 token exchange</option>
                </SelectField>
                <TextField
                  id={id("scope")}
                  name={id("scope")}
                  label="Scope to request"
                  required
                  value={r.scope}
                  maxLength={2000}
                  placeholder="https://graph.microsoft.com/.default"
                  errors={err(i, "scope")}
                  onChange={(e) => update(i, { scope: e.currentTarget.value })}
                />
                <TextField
                  id={id("audience")}
                  name={id("audience")}
                  label="Audience (token exchange, optional)"
                  value={r.audience}
                  maxLength={500}
                  placeholder="https://api.example.com"
                  errors={err(i, "audience")}
                  onChange={(e) => update(i, { audience: e.currentTarget.value })}
                />
                <TextField
                  id={id("tokenEndpoint")}
                  name={id("tokenEndpoint")}
                  label="Token endpoint"
                  value={r.tokenEndpoint}
                  placeholder={derivedTokenEndpoint ?? "https://idp.example.com/oauth2/token"}
                  hint={
                    derivedTokenEndpoint
                      ? `Empty: ${derivedTokenEndpoint} (from the IdP profile). An override must stay on the IdP's origin.`
                      : "Required, on the IdP's origin: a generic OIDC profile does not say where its token endpoint is."
                  }
                  errors={err(i, "tokenEndpoint")}
                  onChange={(e) => update(i, { tokenEndpoint: e.currentTarget.value })}
                />
                <TextField
                  id={id("clientId")}
                  name={id("clientId")}
                  label="Client id"
                  required
                  value={r.clientId}
                  maxLength={500}
                  hint="The confidential app registration that performs the exchange."
                  errors={err(i, "clientId")}
                  onChange={(e) => update(i, { clientId: e.currentTarget.value })}
                />
                <SelectField
                  id={id("clientAuth")}
                  name={id("clientAuth")}
                  label="Client authentication"
                  value={r.clientAuth}
                  errors={err(i, "clientAuth")}
                  onChange={(e) => update(i, { clientAuth: e.currentTarget.value as Row["clientAuth"] })}
                >
                  <option value="client_secret_basic">client_secret_basic</option>
                  <option value="client_secret_post">client_secret_post</option>
                  <option value="private_key_jwt">private_key_jwt (certificate / key)</option>
                </SelectField>
                <SelectField
                  id={id("secretKind")}
                  name={id("secretKind")}
                  label={r.clientAuth === "private_key_jwt" ? "Private key from" : "Secret from"}
                  value={r.secretKind}
                  onChange={(e) => update(i, { secretKind: e.currentTarget.value as Row["secretKind"] })}
                >
                  <option value="env">an environment variable</option>
                  <option value="file">a file</option>
                </SelectField>
                <TextField
                  id={id("secretRef")}
                  name={id("secretRef")}
                  label={r.secretKind === "env" ? "Variable name" : "File path"}
                  required
                  value={r.secretRef}
                  maxLength={1000}
                  placeholder={r.secretKind === "env" ? "PORTCULLIS_OBO_GRAPH_SECRET" : "graph-obo"}
                  hint={
                    r.secretKind === "env"
                      ? "Read on the MCP server's host; the enforcer reads only variables starting with PORTCULLIS_OBO_ unless its code allows another prefix. Never enter the secret itself here."
                      : "A file in the secret directory the MCP server's code allows (secretDir); other paths are refused. Never enter the secret itself here."
                  }
                  errors={err(i, "secretFrom")}
                  onChange={(e) => update(i, { secretRef: e.currentTarget.value })}
                />
              </div>
              <div className="mt-3 text-right">
                <Button
                  variant="ghost"
                  aria-label={`Remove downstream ${r.name || i + 1}`}
                  onClick={() => {
                    setRows(rows.filter((_, j) => j !== i));
                    setDirty(true);
                  }}
                >
                  Remove
                </Button>
              </div>
            </fieldset>
          );
        })}
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button
          variant="secondary"
          onClick={() => {
            setRows([...rows, blank(idpKind)]);
            setDirty(true);
            requestAnimationFrame(() => document.getElementById(`ds-${rows.length}-name`)?.focus());
          }}
        >
          Add downstream API
        </Button>
        <Button onClick={submit} aria-disabled={pending || undefined}>
          {pending ? "Saving…" : "Save downstream APIs"}
        </Button>
        {dirty ? <span className="text-xs text-amber-800 dark:text-amber-300">Unsaved changes</span> : null}
      </div>
      <div ref={summary} tabIndex={-1} className="mt-3 outline-none">
        {result?.ok && !dirty ? (
          <Notice tone="success">Downstream APIs saved to the draft. Publish to apply them.</Notice>
        ) : null}
        {result && !result.ok ? <Notice tone="error">{result.error.message}</Notice> : null}
      </div>
    </Card>
  );
}
