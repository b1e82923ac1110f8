/**
 * The CLI's human-readable plan: one line per object (`+` create, `~` update, `-` delete, `^` publish) and,
 * beneath it, one line per changed field. Pure, so it is unit-tested; colour only when asked (a TTY).
 */
export interface DiffEntry {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}
export interface PlanChange {
  type: string;
  name: string;
  action: "create" | "update" | "delete" | "archive" | "publish";
  changes: DiffEntry[];
}
export interface Plan {
  planId: string;
  changes: PlanChange[];
  summary: { create: number; update: number; delete: number; archive?: number; publish: number };
}

const SIGN = { create: "+", update: "~", delete: "-", archive: "!", publish: "^" } as const;
const COLOUR = { create: 32, update: 33, delete: 31, archive: 31, publish: 36 } as const;
const FIELD_SIGN = { added: "+", removed: "-", changed: "~" } as const;

/** A value on one line: strings quoted, objects as compact JSON, long values cut at 160 characters. */
export function show(value: unknown): string {
  const text = value === undefined ? "(none)" : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function formatSummary(s: Plan["summary"]): string {
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.delete} to delete`];
  if (s.archive) parts.push(`${s.archive} to archive`);
  if (s.publish) parts.push(`${s.publish} to publish`);
  return `Plan: ${parts.join(", ")}.`;
}

export function formatPlan(plan: Plan, opts: { colour?: boolean } = {}): string {
  if (plan.changes.length === 0) return "No changes. The control plane matches the document.\n";
  const paint = (code: number, text: string) => (opts.colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const c of plan.changes) {
    const label = c.type.replace("_", " ");
    if (c.action === "publish") {
      const version = c.changes.find((d) => d.path === "version")?.after;
      lines.push(paint(COLOUR.publish, `  ^ publish ${c.name} as version ${version ?? "?"}`));
      continue;
    }
    if (c.action === "archive") {
      lines.push(paint(COLOUR.archive, `  ! archive ${label} ${c.name} (its enforcers refuse every request)`));
      continue;
    }
    lines.push(paint(COLOUR[c.action], `  ${SIGN[c.action]} ${label} ${c.name}`));
    // A delete lists nothing: everything of the object goes.
    if (c.action === "delete") continue;
    for (const d of c.changes) {
      const text =
        d.kind === "changed"
          ? `${d.path}: ${show(d.before)} -> ${show(d.after)}`
          : `${d.path}: ${show(d.kind === "added" ? d.after : d.before)}`;
      lines.push(`      ${FIELD_SIGN[d.kind]} ${text}`);
    }
  }
  return `${lines.join("\n")}\n\n${formatSummary(plan.summary)}\n`;
}

export interface ApiError {
  error: { code: string; message: string; requestId?: string; fields?: Record<string, string[]> };
}

/** An API error as a person reads it: the message, then each field path with its problems. */
export function formatError(status: number, body: unknown): string {
  const e = (body as Partial<ApiError> | null)?.error;
  if (!e) return `Error: HTTP ${status}\n`;
  const lines = [`Error: ${e.message} (${e.code}, HTTP ${status}${e.requestId ? `, request ${e.requestId}` : ""})`];
  for (const [path, messages] of Object.entries(e.fields ?? {}))
    for (const m of messages) lines.push(`  ${path}: ${m}`);
  return `${lines.join("\n")}\n`;
}
