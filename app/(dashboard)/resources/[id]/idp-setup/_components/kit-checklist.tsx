"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { UtcTime } from "@/components/ui/utc-time-label";
import type { Kit } from "@/lib/server/exports/kit-types";
import type { KitCheck, KitVerification } from "@/lib/server/idp-kit/verify";

type Status = KitCheck["status"];
const TONE: Record<Status, "green" | "red" | "amber" | "blue" | "slate"> = {
  pass: "green",
  fail: "red",
  warn: "amber",
  info: "blue",
  skip: "slate",
};
const LABEL: Record<Status, string> = {
  pass: "✓ pass",
  fail: "✗ fail",
  warn: "! warning",
  info: "i info",
  skip: "– skipped",
};

/** The worst status of the checks that name a step: a failing check flags it, passing ones tick it. */
function stepStatus(checks: KitCheck[], stepId: string): Status | null {
  const mine = checks.filter((c) => c.steps.includes(stepId) && c.status !== "skip" && c.status !== "info");
  if (mine.length === 0) return null;
  for (const s of ["fail", "warn", "pass"] as const) if (mine.some((c) => c.status === s)) return s;
  return null;
}

export function KitChecklist({ resourceId, kit }: { resourceId: string; kit: Kit }) {
  const [result, setResult] = useState<KitVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sample, setSample] = useState("");

  async function verify() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/v1/resources/${resourceId}/idp-kit/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(sample.trim() ? { sampleToken: sample } : {}),
      });
      const body = await res.json();
      if (!res.ok) setError(body?.error?.message ?? `HTTP ${res.status}`);
      else setResult(body as KitVerification);
    } catch {
      setError("The control plane did not answer.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Card title="Verify against the IdP">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Checks what can be seen from outside: discovery and the exact issuer, the token version, the JWKS, PKCE S256,
          the implicit grant, published scopes, the token exchange grant and dynamic client registration. Each result
          ticks or flags the steps below.
        </p>
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer font-medium">
            Optional: check a sample access token against the kit
          </summary>
          <p
            role="note"
            className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
          >
            Use a token from a test account. It is checked in memory and never stored or logged, but a production token
            is a live credential until it expires.
          </p>
          <label htmlFor="sample-token" className="mt-2 block font-medium">
            Sample access token
          </label>
          <textarea
            id="sample-token"
            value={sample}
            onChange={(e) => setSample(e.target.value)}
            rows={3}
            autoComplete="off"
            spellCheck={false}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
          />
        </details>
        <div className="mt-3 flex items-center gap-3">
          <Button onClick={verify} disabled={busy}>
            {busy ? "Verifying…" : "Verify against the IdP"}
          </Button>
          {result ? (
            <span className="text-xs text-muted">
              Checked <UtcTime at={result.checkedAt} />
            </span>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        ) : null}
        {result ? (
          <div data-testid="verify-result" className="mt-4 space-y-4">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-muted">
                <tr>
                  <th className="py-1 pr-3 font-medium">Check</th>
                  <th className="py-1 pr-3 font-medium">Result</th>
                  <th className="py-1 font-medium">Detail</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {result.checks.map((c) => (
                  <tr key={c.id} data-testid={`check-${c.id}`}>
                    <td className="py-2 pr-3 font-medium">{c.title}</td>
                    <td className="py-2 pr-3">
                      <Badge tone={TONE[c.status]}>{LABEL[c.status]}</Badge>
                    </td>
                    <td className="py-2 text-slate-700 dark:text-slate-300">{c.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {result.sample ? (
              <div>
                <h3 className="mb-1 text-sm font-semibold">Sample token</h3>
                <ul className="space-y-1 text-sm" data-testid="sample-result">
                  {result.sample.map((s) => (
                    <li key={s.step}>
                      <Badge tone={TONE[s.status]}>{LABEL[s.status]}</Badge>{" "}
                      <span className="font-medium">{s.step}</span>
                      {s.status !== "pass" ? (
                        <span className="text-slate-700 dark:text-slate-300">: {s.detail}</span>
                      ) : null}
                      {s.kitStep ? (
                        <a href={`#step-${s.kitStep}`} className="ml-1 text-link hover:underline">
                          → kit step {s.kitStep}
                        </a>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        ) : null}
      </Card>
      {kit.sections.map((section) => (
        <Card key={section.id} title={section.title}>
          <ol className="space-y-5">
            {section.steps.map((step) => {
              const status = result ? stepStatus(result.checks, step.id) : null;
              return (
                <li key={step.id} id={`step-${step.id}`} data-testid={`step-${step.id}`} className="scroll-mt-4">
                  <div className="flex flex-wrap items-center gap-2">
                    <h3 className="text-sm font-semibold">{step.title}</h3>
                    {step.optional ? <Badge>optional</Badge> : null}
                    {status ? (
                      <Badge tone={TONE[status]}>
                        {status === "pass" ? "✓ verified" : status === "fail" ? "✗ flagged" : "! check"}
                      </Badge>
                    ) : null}
                    <code className="text-xs text-muted">{step.id}</code>
                  </div>
                  {step.where ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{step.where}</p> : null}
                  <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
                    {step.actions.map((a) => (
                      <li key={a}>{a}</li>
                    ))}
                  </ul>
                  {step.values.length ? (
                    <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                      {step.values.map((v) => (
                        <div key={`${v.label}=${v.value}`} className="contents">
                          <dt className="text-muted">{v.label}</dt>
                          <dd className="break-all font-mono text-xs">{v.value}</dd>
                        </div>
                      ))}
                    </dl>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </Card>
      ))}
    </>
  );
}
