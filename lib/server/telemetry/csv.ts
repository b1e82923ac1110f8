import "server-only";

/**
 * CSV cells per RFC 4180 (quote when a cell holds a quote, comma or line break; double inner
 * quotes), plus spreadsheet formula-injection protection (OWASP "CSV Injection"): a text cell that
 * starts with = + - @ tab or CR is prefixed with a single quote, so Excel or Sheets show it as text
 * instead of running it. Subjects, client ids and tool names come from tokens and clients: untrusted.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
