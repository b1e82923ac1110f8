/**
 * A timestamp as admins read it everywhere in the dashboard: day first, 24-hour clock, in UTC, and
 * saying so ("27/11/2026, 14:06:50 UTC"), so the same instant reads the same on every page and server.
 *
 * @example utcTime("2026-11-27T14:06:50.000Z") // "27/11/2026, 14:06:50 UTC"
 */
export function utcTime(at: string | number | Date): string {
  return `${new Date(at).toLocaleString("en-GB", { timeZone: "UTC" })} UTC`;
}
