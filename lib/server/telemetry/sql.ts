import "server-only";
import { isPostgres } from "../env";

/**
 * The little raw SQL the telemetry hot path needs, portable between SQLite and PostgreSQL: quoted
 * identifiers (PostgreSQL folds unquoted ones to lower case), the dialect's placeholders, and bulk
 * inserts that ship many rows as ONE JSON parameter, unpacked by the database itself (SQLite
 * `json_each`, PostgreSQL `json_array_elements`). Binding thousands of individual parameters through
 * Prisma costs more than the insert; one JSON string costs one bind.
 */
export const q = (identifier: string) => `"${identifier}"`;

/** Collects parameter values while a statement is built: `p.add(v)` returns the placeholder for v. */
export class Params {
  readonly values: unknown[] = [];
  readonly #pg = isPostgres();
  add(value: unknown): string {
    this.values.push(value);
    return this.#pg ? `$${this.values.length}` : "?";
  }
}

export type JsonColumn =
  /** A value from each row's array, cast on PostgreSQL (SQLite stores what it gets). */
  | { name: string; pg: "text" | "int" | "float8" }
  /** Epoch milliseconds in the row, stored as the DateTime Prisma writes (exact, no float rounding). */
  | { name: string; epochMs: true }
  /** The same value for every row: one bound parameter instead of one per row. */
  | { name: string; constant: string | number };

/**
 * `INSERT INTO table (cols) SELECT … FROM <json rows>` for rows given as arrays holding the
 * non-constant columns in order. The caller appends `ON CONFLICT …` if needed (the `WHERE true`
 * keeps SQLite's parser from reading `ON` as a join constraint).
 */
export function insertFromJson(table: string, columns: readonly JsonColumn[], rows: readonly unknown[][]) {
  const pg = isPostgres();
  const p = new Params();
  const constants = columns.map((c) => ("constant" in c ? p.add(c.constant) : ""));
  const source = p.add(JSON.stringify(rows));
  let i = 0;
  const select = columns.map((c, k) => {
    if ("constant" in c) return constants[k];
    const v = pg ? `(v->>${i++})` : `(value->>${i++})`;
    if ("epochMs" in c) {
      return pg
        ? `(timestamp '1970-01-01' + ${v}::bigint * interval '1 millisecond')`
        : `strftime('%Y-%m-%dT%H:%M:%S', ${v} / 1000, 'unixepoch') || '.' || substr('00' || (${v} % 1000), -3) || '+00:00'`;
    }
    return pg ? `${v}::${c.pg}` : v;
  });
  const from = pg ? `json_array_elements(${source}::json) AS v` : `json_each(${source})`;
  const names = columns.map((c) => q(c.name)).join(",");
  return {
    sql: `INSERT INTO ${q(table)} (${names}) SELECT ${select.join(",")} FROM ${from} WHERE true`,
    values: p.values,
  };
}

/** Splits rows into chunks of at most `size`. */
export function chunk<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
