import YAML from "yaml";
import type { z } from "zod";
import { ConfigDocument } from "@/lib/schemas/config-document";
import { AppError, type FieldErrors } from "../errors";

/**
 * Text (YAML or JSON; JSON is YAML) or an already-parsed object → a validated document. Every problem is
 * reported under its path in the document, written as a person reads it: `resources[2].tools[0].name`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || "(document)";
}

export function addError(errors: FieldErrors, path: readonly PropertyKey[] | string, message: string): void {
  const key = typeof path === "string" ? path : formatPath(path);
  errors[key] = [...(errors[key] ?? []), message];
}

export function invalidDocument(errors: FieldErrors): AppError {
  const [first] = Object.entries(errors);
  const count = Object.keys(errors).length;
  const head = first ? `${first[0]}: ${first[1][0]}` : "invalid";
  return new AppError(
    "invalid_input",
    `The document is invalid (${count} problem${count === 1 ? "" : "s"}; first: ${head}).`,
    { fieldErrors: errors },
  );
}

function issuesToErrors(issues: z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) addError(errors, [...issue.path, key], `Unknown key "${key}".`);
    } else if (issue.code === "invalid_key") {
      // A record key that fails its schema (the path ends with the key): the key schema's own message.
      const inner = issue.issues[0]?.message ?? issue.message;
      addError(errors, issue.path, inner);
    } else addError(errors, issue.path, issue.message);
  }
  return errors;
}

function parseText(text: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : "";
    throw invalidDocument({ document: [`Not valid YAML or JSON${where}: ${problem.message.split("\n")[0]}`] });
  }
  // At most 1,000 alias expansions: a "billion laughs" document is refused, not expanded.
  return doc.toJS({ maxAliasCount: 1000 });
}

export function parseConfigDocument(input: string | Record<string, unknown>): ConfigDocument {
  let raw: unknown;
  try {
    raw = typeof input === "string" ? parseText(input) : input;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalidDocument({ document: [err instanceof Error ? err.message : "The document could not be read."] });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw invalidDocument({ document: ["The document must be a mapping with apiVersion, idpProfiles, resources, …"] });
  const parsed = ConfigDocument.safeParse(raw);
  if (!parsed.success) throw invalidDocument(issuesToErrors(parsed.error.issues));
  return parsed.data;
}
