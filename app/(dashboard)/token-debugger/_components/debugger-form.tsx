"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import type { DebugRun } from "@/lib/server/debug/run-debug";
import type { DebugStep } from "@/lib/server/debug/token-debugger";

const METHODS = [
  "",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/read",
  "prompts/list",
  "prompts/get",
  "initialize",
];
const TONE = { pass: "green", fail: "red", warn: "amber", skip: "slate" } as const;
const LABEL = { pass: "✓ pass", fail: "✗ fail", warn: "! warning", skip: "– not reached" } as const;
const control =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

export function DebuggerForm({
  resources,
  initial,
}: {
  resources: { id: string; name: string }[];
  initial: { resourceId: string; method: string; tool: string };
}) {
  const [resourceId, setResourceId] = useState(initial.resourceId);
  const [version, setVersion] = useState("published");
  const [token, setToken] = useState("");
  const [method, setMethod] = useState(METHODS.includes(initial.method) ? initial.method : "");
  const [tool, setTool] = useState(initial.tool);
  const [run, setRun] = useState<DebugRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setRun(null);
    try {
      const res = await fetch("/api/v1/debug/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ resourceId, version, token, method, tool: method === "tools/call" ? tool : "" }),
      });
      const body = await res.json();
      if (!res.ok) {
        const fields = body?.error?.fields
          ? ` (${Object.entries(body.error.fields)
              .map(([k, v]) => `${k}: ${(v as string[]).join(", ")}`)
              .join("; ")})`
          : "";
        setError(`${body?.error?.message ?? `HTTP ${res.status}`}${fields}`);
      } else setRun(body as DebugRun);
    } catch {
      setError("The control plane did not answer.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-6">
      <Card title="Token and policy">
        <form onSubmit={submit} aria-label="Debug a token" className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="dbg-resource" className="text-sm font-medium">
                Resource
              </label>
              <select
                id="dbg-resource"
                value={resourceId}
                onChange={(e) => setResourceId(e.target.value)}
                className={control}
                required
              >
                {resources.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="dbg-version" className="text-sm font-medium">
                Policy version
              </label>
              <select id="dbg-version" value={version} onChange={(e) => setVersion(e.target.value)} className={control}>
                <option value="published">Published (what enforcers run)</option>
                <option value="draft">Draft (unpublished changes)</option>
              </select>
            </div>
          </div>
          <p
            role="note"
            data-testid="production-warning"
            className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
          >
            <span className="font-semibold">Before you paste a production token:</span> a bearer token is a live
            credential until it expires. Prefer a token from a test account. The token is checked in memory on this
            control plane only: it is never stored, logged or sent back, and only the IdP's public keys are fetched.
          </p>
          <div>
            <label htmlFor="dbg-token" className="text-sm font-medium">
              Access token
            </label>
            <textarea
              id="dbg-token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              rows={5}
              required
              autoComplete="off"
              spellCheck={false}
              placeholder="eyJhbGciOi…"
              className={`${control} font-mono text-xs`}
            />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="dbg-method" className="text-sm font-medium">
                Simulated MCP method
              </label>
              <select id="dbg-method" value={method} onChange={(e) => setMethod(e.target.value)} className={control}>
                {METHODS.map((m) => (
                  <option key={m} value={m}>
                    {m || "(none: check the token only)"}
                  </option>
                ))}
              </select>
            </div>
            {method === "tools/call" ? (
              <div>
                <label htmlFor="dbg-tool" className="text-sm font-medium">
                  Tool name
                </label>
                <input
                  id="dbg-tool"
                  value={tool}
                  onChange={(e) => setTool(e.target.value)}
                  className={`${control} font-mono`}
                />
              </div>
            ) : null}
          </div>
          <Button type="submit" disabled={busy || !resourceId}>
            {busy ? "Checking…" : "Debug token"}
          </Button>
          {error ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          ) : null}
        </form>
      </Card>
      {run ? <Result run={run} /> : null}
    </div>
  );
}

function Result({ run }: { run: DebugRun }) {
  return (
    <div className="space-y-6" data-testid="debug-result">
      <div
        data-testid="verdict"
        className={`rounded-lg border p-4 text-sm ${run.verdict.allowed ? "border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/40" : "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40"}`}
      >
        <p className="font-semibold">
          {run.verdict.allowed ? "Allowed" : `Denied: ${run.verdict.code}`} ({run.resource.name}, {run.version})
        </p>
        <p className="mt-1">{run.verdict.message}</p>
      </div>
      <Card title="Steps">
        <ol className="space-y-3">
          {run.steps.map((s) => (
            <StepRow key={s.id} step={s} resourceId={run.resource.id} />
          ))}
        </ol>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Header">
          <pre className="overflow-x-auto text-xs">{JSON.stringify(run.header, null, 2)}</pre>
        </Card>
        <Card title="Claims">
          <pre className="overflow-x-auto text-xs">{JSON.stringify(run.claims, null, 2)}</pre>
          {run.normalized ? (
            <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
              Read by the {run.resource.idpKind} profile: scopes {run.normalized.scopes.join(" ") || "(none)"}, client{" "}
              {run.normalized.clientId ?? "(none)"}
            </p>
          ) : null}
        </Card>
      </div>
    </div>
  );
}

function StepRow({ step, resourceId }: { step: DebugStep; resourceId: string }) {
  return (
    <li data-testid={`step-${step.id}`} className="text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={TONE[step.status]}>{LABEL[step.status]}</Badge>
        <span className="font-medium">{step.title}</span>
        {step.code ? <code className="text-xs text-muted">{step.code}</code> : null}
      </div>
      <p className="mt-1 text-slate-700 dark:text-slate-300">{step.detail}</p>
      {step.hints.map((h) => (
        <p key={h} className="mt-1 text-slate-700 dark:text-slate-300">
          {h}
        </p>
      ))}
      {step.fix && step.status !== "pass" ? (
        <div className="mt-1 rounded-md bg-slate-50 p-2 dark:bg-slate-800/60" data-testid={`fix-${step.id}`}>
          <span className="font-medium">Fix: </span>
          {step.fix.text}
          {step.fix.kitStep ? (
            <>
              {" "}
              <Link
                href={`/resources/${resourceId}/idp-setup#step-${step.fix.kitStep}`}
                className="text-link hover:underline"
              >
                IdP setup step {step.fix.kitStep}
              </Link>
            </>
          ) : null}
          {step.fix.setting ? (
            <>
              {" "}
              <Link href={step.fix.setting.href} className="text-link hover:underline">
                {step.fix.setting.label}
              </Link>
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
