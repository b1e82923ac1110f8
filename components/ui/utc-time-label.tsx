import { utcTime } from "./utc-time";

/**
 * The one date display of the dashboard: `<time dateTime="…">2026-11-27 14:06:50 UTC</time>`.
 * A server component as well as a client one (no locale, no time zone: the same text on both sides).
 */
export function UtcTime({
  at,
  precision = "second",
  className,
}: {
  at: string | number | Date;
  precision?: "second" | "minute" | "day";
  className?: string;
}) {
  const d = new Date(at);
  return (
    <time dateTime={Number.isNaN(d.getTime()) ? undefined : d.toISOString()} className={className}>
      {utcTime(d, precision)}
    </time>
  );
}
