import type { ReactNode } from "react";
import { TextAreaField } from "./field";

/** Small form pieces shared by the IdP and resource editors (labels, errors, hints; light and dark). */
export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-900";

export const linkButton =
  "inline-flex items-center rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";

/** A labelled monospace textarea (one value per line), framed like every other field. */
export function TextArea(props: Parameters<typeof TextAreaField>[0]) {
  return <TextAreaField rows={3} {...props} />;
}

export function Checkbox({
  label,
  checked,
  onChange,
  disabled,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <label className="inline-flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.currentTarget.checked)}
        className="h-4 w-4 rounded border-slate-300 text-brand-600 dark:border-slate-600"
      />
      {label}
    </label>
  );
}

/**
 * Errors for a field and its sub-paths ("issuers" also collects "issuers.0"). A per-line error names its line
 * ("Line 2: …") and the same message is never repeated.
 */
export function errorsFor(fields: Record<string, string[]> | undefined, key: string): string[] | undefined {
  if (!fields) return undefined;
  const out = new Set<string>();
  for (const [k, messages] of Object.entries(fields)) {
    if (k !== key && !k.startsWith(`${key}.`)) continue;
    const line = /^\.(\d+)$/.exec(k.slice(key.length))?.[1];
    for (const m of messages) out.add(line === undefined ? m : `Line ${Number(line) + 1}: ${m}`);
  }
  return out.size ? [...out] : undefined;
}
