import type { AuditEventDto } from "@/lib/server/audit-query";

/**
 * One audit row's change (issue 13 #9): the field-level diff (path: before → after) in the row, at
 * most three entries with long values cut; the row's disclosure opens every change in full and the
 * stored before/after JSON. Native <details>: keyboard and screen readers get it for free.
 */
const PREVIEW = 3;
// Unique within a row: one entry per path, except scalar-list additions and removals (one per value).
const changeKey = (c: AuditEventDto["changes"][number]) =>
  `${c.path}|${c.kind}|${JSON.stringify(c.before ?? null)}|${JSON.stringify(c.after ?? null)}`;
const show = (v: unknown) =>
  v === undefined ? "–" : typeof v === "string" ? (v === "" ? '""' : v) : JSON.stringify(v);
const cut = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const pretty = (s: string | null) => {
  if (s === null) return "–";
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
};

/** A draft edit stored as its diff only: the table above is the whole of it. */
const isDiffOnly = (e: AuditEventDto) => e.before === null && (e.after ?? "").startsWith('{"changes":');

function ChangeLine({ c }: { c: AuditEventDto["changes"][number] }) {
  return (
    <li className="break-words">
      <span className="font-semibold">{c.path || "(value)"}</span>{" "}
      {c.kind === "added" ? (
        <span className="text-emerald-700 dark:text-emerald-400">added {cut(show(c.after))}</span>
      ) : c.kind === "removed" ? (
        <span className="text-red-700 dark:text-red-400">removed {cut(show(c.before))}</span>
      ) : (
        <>
          <span className="text-red-700 dark:text-red-400">{cut(show(c.before))}</span> →{" "}
          <span className="text-emerald-700 dark:text-emerald-400">{cut(show(c.after))}</span>
        </>
      )}
    </li>
  );
}

export function AuditChange({ event }: { event: AuditEventDto }) {
  const { changes } = event;
  if (changes.length === 0 && !event.before && !event.after) return <span className="text-muted">–</span>;
  return (
    <div className="font-mono text-xs">
      {changes.length === 0 ? (
        <p className="text-muted">no field changed</p>
      ) : (
        <ul className="space-y-0.5" aria-label={`Changes in event ${event.seq}`}>
          {changes.slice(0, PREVIEW).map((c) => (
            <ChangeLine key={changeKey(c)} c={c} />
          ))}
        </ul>
      )}
      <details className="mt-1">
        <summary className="cursor-pointer font-sans text-link hover:underline">
          {changes.length > PREVIEW ? `All ${changes.length} changes, full before/after` : "Full before/after"}
        </summary>
        {changes.length > 0 ? (
          <table className="mt-2 w-full table-fixed border-collapse text-left">
            <caption className="sr-only">Every change in event {event.seq}</caption>
            <thead className="font-sans text-muted">
              <tr>
                <th className="w-1/3 pr-2 font-medium">Field</th>
                <th className="pr-2 font-medium">Before</th>
                <th className="font-medium">After</th>
              </tr>
            </thead>
            <tbody className="align-top">
              {changes.map((c) => (
                <tr key={changeKey(c)}>
                  <td className="break-all pr-2">{c.path || "(value)"}</td>
                  <td className="pr-2">
                    <pre className="whitespace-pre-wrap break-all">
                      {c.before === undefined ? "–" : JSON.stringify(c.before, null, 2)}
                    </pre>
                  </td>
                  <td>
                    <pre className="whitespace-pre-wrap break-all">
                      {c.after === undefined ? "–" : JSON.stringify(c.after, null, 2)}
                    </pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {/* The stored JSON as hashed, when it says more than the table (old rows, creations, other changes). */}
        {(
          [
            ["Stored before", event.before],
            ["Stored after", isDiffOnly(event) ? null : event.after],
          ] as const
        )
          .filter(([, json]) => json !== null)
          .map(([label, json]) => (
            <div key={label} className="mt-2">
              <p className="font-sans font-medium text-muted">{label}</p>
              <pre
                className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 dark:bg-slate-800"
                // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard (axe scrollable-region-focusable)
                tabIndex={0}
              >
                {pretty(json)}
              </pre>
            </div>
          ))}
      </details>
    </div>
  );
}
