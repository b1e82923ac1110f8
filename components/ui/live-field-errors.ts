"use client";

import { useMemo } from "react";
import type { ZodType } from "zod";
import { issuesToFieldErrors } from "@/lib/schemas/error-map";

type FieldErrors = Record<string, string[]>;

const valueAt = (root: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), root);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Field errors that follow the admin's edits (issue 13 #11): after a failed save, each flagged field
 * keeps its server message while its value is unchanged; once edited, it shows what the schema says of
 * the new value (the same schema the server parses with), so the error clears the moment the field is
 * fixed, and never appears on a field the server did not flag.
 *
 * @example const errors = useLiveFieldErrors(UpdatePolicyInput, input, result && !result.ok ? result : null);
 */
export function useLiveFieldErrors(
  schema: ZodType,
  input: unknown,
  failure: { fieldErrors?: FieldErrors | undefined } | null,
): FieldErrors | undefined {
  // The input as it was when this failure arrived: a new failure object per attempt.
  // biome-ignore lint/correctness/useExhaustiveDependencies: snapshot the input only when a new failure arrives
  const snapshot = useMemo(() => JSON.parse(JSON.stringify(input ?? null)) as unknown, [failure]);
  const live = useMemo(() => {
    const parsed = schema.safeParse(input);
    return parsed.success ? {} : issuesToFieldErrors(parsed.error.issues);
  }, [schema, input]);
  const flagged = failure?.fieldErrors;
  if (!flagged) return undefined;
  const out: FieldErrors = {};
  for (const [path, messages] of Object.entries(flagged)) {
    if (same(valueAt(snapshot, path), valueAt(input, path))) {
      out[path] = messages;
      continue;
    }
    for (const [k, m] of Object.entries(live)) if (k === path || k.startsWith(`${path}.`)) out[k] = m;
  }
  return Object.keys(out).length ? out : undefined;
}
