import "server-only";

/**
 * CSV cells per RFC 4180, every cell quoted (inner quotes doubled), plus spreadsheet
 * formula-injection protection (OWASP "CSV Injection"): a text cell that starts with = + - @ tab or
 * CR, once leading whitespace and no-break spaces are trimmed, is prefixed with a single quote, so
 * Excel or Sheets show it as text instead of running it. Quoting every cell matters as much: in
 * locales whose list separator is `;`, an unquoted `x;=cmd…` would split into a cell starting with
 * `=`. Subjects, client ids and tool names come from tokens and clients: untrusted.
 */
const FORMULA_START = /^[\s\u00a0\ufeff]*[=+\-@\t\r]/;

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

// A spreadsheet in a `;` locale reads this `,` file with quotes honoured only at the start of a line's
// first cell: every later `;`, tab or line break inside a value starts a new cell (or row) there. So
// whatever follows one of those gets the same guard.
const INNER_FORMULA_START = /([;\t\r\n])(?=[\s\u00a0\ufeff]*[=+\-@])/g;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '""';
  if (typeof value === "number" || typeof value === "boolean") return quote(String(value));
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return quote(guarded.replace(INNER_FORMULA_START, "$1'"));
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
