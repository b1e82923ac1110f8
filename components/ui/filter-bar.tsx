import Link from "next/link";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

/**
 * The one filter bar of the list pages (Events, Audit, Alerts): a GET form whose fields become the URL's
 * query, a Filter button, a Clear link, and a notice when some filters were invalid and ignored.
 * Server-renderable (no client state): the page reads the filters back from its search params.
 *
 * @example
 * <FilterBar label="Filter audit events" clearHref="/audit" invalid={!parsed.success} columns="sm:grid-cols-5">
 *   <FilterSelect label="Action" name="action" defaultValue="" options={actions} />
 * </FilterBar>
 */
export function FilterBar({
  label,
  clearHref,
  invalid,
  columns,
  children,
}: {
  label: string;
  clearHref: string;
  invalid?: boolean;
  /** Tailwind grid columns, e.g. "sm:grid-cols-3 lg:grid-cols-6". */
  columns: string;
  children: ReactNode;
}) {
  return (
    <>
      <form className={`grid gap-3 ${columns}`} aria-label={label}>
        {children}
        <div className="flex items-end gap-2">
          <button
            type="submit"
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            Filter
          </button>
          <Link href={clearHref} className="px-2 py-1.5 text-sm text-slate-600 hover:underline dark:text-slate-300">
            Clear
          </Link>
        </div>
      </form>
      {invalid ? (
        <p className="mt-2 text-xs text-red-700 dark:text-red-400">Some filters were invalid and were ignored.</p>
      ) : null}
    </>
  );
}

const control =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

/** A labelled select of a filter bar; the first option ("any") clears the filter. */
export function FilterSelect({
  label,
  options,
  anyLabel = "any",
  ...props
}: {
  label: string;
  /** Values, or [value, text] pairs. */
  options: readonly (string | readonly [string, string])[];
  /** The empty option's text; `null` for none (a filter that always has a value). */
  anyLabel?: string | null;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <label className="text-xs font-medium">
      {label}
      <select className={control} {...props}>
        {anyLabel === null ? null : <option value="">{anyLabel}</option>}
        {options.map((o) => {
          const [value, text] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** A labelled input of a filter bar. */
export function FilterInput({ label, ...props }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="text-xs font-medium">
      {label}
      <input className={control} {...props} />
    </label>
  );
}
