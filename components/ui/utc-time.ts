/**
 * A timestamp as admins read it everywhere in the dashboard (issue 13 #12): ISO-like, 24-hour, in UTC,
 * and saying so ("2026-11-27 14:06:50 UTC"), so the same instant reads the same on every page, chart
 * tooltip and server, and sorts as text. `<UtcTime>` (utc-time-label.tsx) wraps it in a `<time>`.
 *
 * @example utcTime("2026-11-27T14:06:50.000Z") // "2026-11-27 14:06:50 UTC"
 * @example utcTime("2026-11-27T14:06:50.000Z", "minute") // "2026-11-27 14:06 UTC"
 */
export function utcTime(at: string | number | Date, precision: "second" | "minute" | "day" = "second"): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return "–";
  const iso = d.toISOString();
  if (precision === "day") return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, precision === "minute" ? 16 : 19)} UTC`;
}
