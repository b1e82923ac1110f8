/**
 * A tiny HCL writer for the Terraform exports. Values are either literal strings (quoted and escaped,
 * so `${` and `%{` in an admin's text never become interpolations) or raw expressions (`raw("var.x")`).
 */
export interface Raw {
  raw: string;
}
/** An object value (`{ a = 1 }`), as opposed to a nested block. */
export interface Obj {
  obj: Record<string, HclValue>;
}
export type HclValue = string | number | boolean | Raw | Obj | HclValue[];
/** A block body: attributes (key → value) and nested blocks (key → Block or Block[]). */
export interface Block {
  [key: string]: HclValue | Block | Block[] | undefined;
}

export const raw = (expression: string): Raw => ({ raw: expression });
export const obj = (fields: Record<string, HclValue>): Obj => ({ obj: fields });

/** A quoted HCL string literal (HCL native syntax: escapes and template sequences doubled). */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    // A function replacement: in a replacement string "$$" would itself mean one "$".
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
  return `"${escaped}"`;
}

/** A Terraform identifier from free text (`mcp:tools` → `mcp_tools`), never starting with a digit. */
export function hclIdentifier(text: string): string {
  const id = text.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "x";
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** Unique identifiers for a list of names (suffixes on collisions). */
export function uniqueIdentifiers(names: string[], prefix = ""): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const base = hclIdentifier(`${prefix}${n}`);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}_${count + 1}`;
  });
}

function isRaw(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as Raw).raw === "string";
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as Obj).obj === "object";
}

function isBlock(v: unknown): v is Block {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isRaw(v) && !isObj(v);
}

function value(v: HclValue): string {
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (isRaw(v)) return v.raw;
  if (isObj(v))
    return `{ ${Object.entries(v.obj)
      .map(([k, x]) => `${k} = ${value(x)}`)
      .join(", ")} }`;
  return `[${v.map(value).join(", ")}]`;
}

function body(b: Block, indent: string): string[] {
  const entries = Object.entries(b).filter((e): e is [string, HclValue | Block | Block[]] => e[1] !== undefined);
  const attrs = entries.filter(([, v]) => !isBlock(v) && !(Array.isArray(v) && v.length > 0 && v.every(isBlock)));
  const width = Math.max(0, ...attrs.map(([k]) => k.length));
  const out: string[] = attrs.map(([k, v]) => `${indent}${k.padEnd(width)} = ${value(v as HclValue)}`);
  for (const [k, v] of entries) {
    const blocks = isBlock(v) ? [v] : Array.isArray(v) && v.length > 0 && v.every(isBlock) ? (v as Block[]) : [];
    for (const nested of blocks) out.push("", ...block(k, [], nested, indent));
  }
  return out;
}

/** One block: `type "label" "label" { … }`. */
export function block(type: string, labels: string[], b: Block, indent = ""): string[] {
  const head = [type, ...labels.map(hclString)].join(" ");
  const inner = body(b, `${indent}  `);
  // Drop a leading blank line (attributes-free blocks start with a nested block).
  while (inner[0] === "") inner.shift();
  return inner.length === 0 ? [`${indent}${head} {}`] : [`${indent}${head} {`, ...inner, `${indent}}`];
}

/** A whole file from top-level blocks, separated by blank lines, with an optional header comment. */
export function hclFile(header: string[], blocks: string[][]): string {
  return `${[
    ...header.map((l) => `# ${l}`),
    "",
    ...blocks
      .map((b) => b.join("\n"))
      .join("\n\n")
      .split("\n"),
  ].join("\n")}\n`;
}
