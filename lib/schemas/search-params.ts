import type { z } from "zod";

/** A page's search params as Next hands them over. */
export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The one way pages read filters from the URL: the first value of each key, empty values dropped, then the
 * schema. An invalid set of filters is not an error page: the schema's defaults apply and `invalid` says so
 * (the filter bar shows "Some filters were invalid and were ignored").
 *
 * @example
 * const { value: filter, invalid } = parseSearchParams(AuditFilterInput, await searchParams);
 */
export function parseSearchParams<S extends z.ZodType>(
  schema: S,
  params: SearchParams,
): { value: z.output<S>; invalid: boolean } {
  const flat: Record<string, string> = {};
  for (const [key, v] of Object.entries(params)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && first !== "") flat[key] = first;
  }
  const parsed = schema.safeParse(flat);
  if (parsed.success) return { value: parsed.data, invalid: false };
  return { value: schema.parse({}), invalid: true };
}
