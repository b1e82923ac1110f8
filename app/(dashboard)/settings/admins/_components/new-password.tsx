import { CopyButton } from "@/components/config/copy-button";

/** A password an owner just reset: shown this once (only its hash is stored), with a copy button. */
export function NewPassword({ id, name, password }: { id: string; name: string; password: string }) {
  return (
    <div
      id={id}
      className="w-full rounded-md border border-amber-300 bg-amber-50 p-3 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:border-amber-800 dark:bg-amber-950/40"
    >
      <p className="font-medium">New password for {name}</p>
      <p className="mt-1 text-xs">Copy it now: it is not shown again. Their other sessions have ended.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="reset-password"
          className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900"
        >
          {password}
        </code>
        <CopyButton value={password} label="Copy password" />
      </div>
    </div>
  );
}
