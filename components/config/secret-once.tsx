import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";

const CREDENTIAL_HINT = "Give it to the enforcer as PORTCULLIS_CREDENTIAL.";

/**
 * A newly issued secret (enforcer credential, API token, signing secret): shown this once, with a copy
 * button. `id` lets the form move focus here (copying it is the next step).
 */
export function SecretOnce({
  secret,
  title,
  id,
  hint = CREDENTIAL_HINT,
  testId = "new-credential-secret",
  copyLabel = "Copy credential",
}: {
  secret: string;
  title: string;
  id?: string;
  /** What to do with it, after "Copy it now: …". */
  hint?: ReactNode;
  testId?: string;
  copyLabel?: string;
}) {
  return (
    <div
      id={id}
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
    >
      <p className="font-medium">{title}</p>
      <p className="mt-1 text-xs text-slate-700 dark:text-slate-300">
        Copy it now: Portcullis stores only a hash and cannot show it again. {hint}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid={testId} className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900">
          {secret}
        </code>
        <CopyButton value={secret} label={copyLabel} />
      </div>
    </div>
  );
}
