import type { DiffEntry } from "@/lib/schemas/config";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const KIND = {
  added: { sign: "+", label: "added", tone: "text-emerald-700 dark:text-emerald-400" },
  removed: { sign: "−", label: "removed", tone: "text-red-700 dark:text-red-400" },
  changed: { sign: "~", label: "changed", tone: "text-amber-700 dark:text-amber-400" },
} as const;

/** The structured diff of two versions' policies, one line per changed path. */
export function VersionDiff({ changes }: { changes: DiffEntry[] }) {
  if (changes.length === 0) return <p className="text-sm text-muted">The two versions enforce the same policy.</p>;
  return (
    <ul aria-label="Changes" className="space-y-1 font-mono text-xs">
      {changes.map((c, i) => {
        const k = KIND[c.kind];
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the same path may appear twice (a set's added and removed items)
          <li key={`${c.path}-${i}`} className="flex flex-wrap gap-2">
            <span className={`w-20 shrink-0 whitespace-nowrap ${k.tone}`}>
              <span aria-hidden>{k.sign}</span> {k.label}
            </span>
            <span className="font-semibold">{c.path || "(root)"}</span>
            {c.kind === "changed" ? (
              <span className="break-all">
                {show(c.before)} → {show(c.after)}
              </span>
            ) : (
              <span className="break-all text-slate-600 dark:text-slate-400">
                {show(c.kind === "added" ? c.after : c.before)}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
