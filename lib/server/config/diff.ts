/**
 * A structured diff of two policy documents, for the History tab: every leaf that was added,
 * removed or changed, with its path. Arrays of named objects (tools) are matched by `name`, so
 * removing one tool reads as "tools[search] removed", not as every later index changing.
 * Pure: no server-only import, so it is unit-testable and usable in client components.
 */
import type { DiffEntry } from "@/lib/schemas/config";

export type { DiffEntry, DiffKind } from "@/lib/schemas/config";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

function keyedByName(items: Json[]): Map<string, Json> | null {
  const map = new Map<string, Json>();
  for (const item of items) {
    if (!isObject(item) || typeof item.name !== "string" || map.has(item.name)) return null;
    map.set(item.name, item);
  }
  return map;
}

const join = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

function walk(path: string, a: Json | undefined, b: Json | undefined, out: DiffEntry[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push({ path, kind: "added", after: b });
  if (b === undefined) return void out.push({ path, kind: "removed", before: a });
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(join(path, key), a[key], b[key], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = keyedByName(a);
    const kb = keyedByName(b);
    if (ka && kb && (ka.size > 0 || kb.size > 0)) {
      for (const name of new Set([...ka.keys(), ...kb.keys()]))
        walk(`${path}[${name}]`, ka.get(name), kb.get(name), out);
      return;
    }
    // Lists of scalars (scopes, audiences, origins): a set difference reads better than index shifts.
    if (a.every((x) => !isObject(x) && !Array.isArray(x)) && b.every((x) => !isObject(x) && !Array.isArray(x))) {
      const sa = new Set(a.map((x) => JSON.stringify(x)));
      const sb = new Set(b.map((x) => JSON.stringify(x)));
      for (const x of sb) if (!sa.has(x)) out.push({ path, kind: "added", after: JSON.parse(x) });
      for (const x of sa) if (!sb.has(x)) out.push({ path, kind: "removed", before: JSON.parse(x) });
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) walk(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, kind: "changed", before: a, after: b });
}

/** Differences from `before` to `after`, in document order. */
export function diffJson(before: unknown, after: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk("", before as Json, after as Json, out);
  return out;
}
