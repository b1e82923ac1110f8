import { z } from "zod";

/**
 * Bounds every date and id an admin can type (issue 23 §4): `from=-271821-04-20` is a valid JavaScript
 * date but no database stores it, and Prisma then fails with a 500. Out-of-range input is a 422 that
 * names the field instead.
 */
export const MIN_DATE = new Date("2000-01-01T00:00:00Z");
export const MAX_DATE = new Date("2199-12-31T23:59:59Z");
const RANGE_MESSAGE = "Enter a date between 2000-01-01 and 2199-12-31.";

/** True when `d` is a real date inside [MIN_DATE, MAX_DATE]. */
export function isDateInRange(d: Date): boolean {
  const t = d.getTime();
  return Number.isFinite(t) && t >= MIN_DATE.getTime() && t <= MAX_DATE.getTime();
}

/** `YYYY-MM-DD`, within the bounds. */
export const BoundedIsoDate = z.iso.date().refine((v) => isDateInRange(new Date(`${v}T00:00:00Z`)), RANGE_MESSAGE);

/** An ISO timestamp with an offset, within the bounds. */
export const BoundedIsoDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => isDateInRange(new Date(v)), RANGE_MESSAGE);

/** Refine a parsed Date (for transforms that build one). */
export function checkDateInRange(d: Date, ctx: z.RefinementCtx): boolean {
  if (isDateInRange(d)) return true;
  ctx.addIssue({ code: "custom", message: RANGE_MESSAGE });
  return false;
}

/** A keyset cursor over an autoincrement id: a positive 32-bit integer (PostgreSQL `integer`). */
export const IdCursor = z.coerce.number().int().positive().max(2_147_483_647, "Not a valid cursor.");
