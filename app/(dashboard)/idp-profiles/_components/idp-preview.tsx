"use client";

import { effectiveIdpValues } from "@/lib/server/idp-profiles/derive";
import { type IdpFormValues, kindSettingsOf } from "./form-values";

/** Live preview of what the profile will accept: derived values, or the overrides when set. */
export function IdpPreview({ values }: { values: IdpFormValues }) {
  const overrideIssuers = values.issuersOverride
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  const effective = effectiveIdpValues({
    ...kindSettingsOf(values),
    overrides: {
      ...(overrideIssuers.length ? { issuers: overrideIssuers } : {}),
      ...(values.discoveryUrlOverride.trim() ? { discoveryUrl: values.discoveryUrlOverride.trim() } : {}),
      ...(values.jwksUriOverride.trim() ? { jwksUri: values.jwksUriOverride.trim() } : {}),
    },
  });
  const rows: [string, string[], boolean][] = [
    ["Issuer", effective.issuers, overrideIssuers.length > 0],
    ["Discovery URL", [effective.discoveryUrl], Boolean(values.discoveryUrlOverride.trim() || overrideIssuers.length)],
    [
      "JWKS URI",
      [effective.jwksUri || "read from the discovery document (run Test connection)"],
      Boolean(values.jwksUriOverride.trim()),
    ],
  ];
  return (
    <section
      aria-labelledby="preview-heading"
      className="rounded-md border border-slate-200 bg-slate-50 p-3 dark:border-slate-800 dark:bg-slate-950"
    >
      <h3 id="preview-heading" className="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">
        Preview: what tokens must carry
      </h3>
      <dl className="space-y-2 text-sm" data-testid="idp-preview">
        {rows.map(([label, items, overridden]) => (
          <div key={label}>
            <dt className="text-xs text-muted">
              {label}{" "}
              {overridden ? (
                <span className="text-amber-700 dark:text-amber-400">(overridden)</span>
              ) : (
                <span>(derived)</span>
              )}
            </dt>
            {items.map((item) => (
              <dd key={item} className="break-all font-mono text-xs">
                {item}
              </dd>
            ))}
          </div>
        ))}
      </dl>
    </section>
  );
}
