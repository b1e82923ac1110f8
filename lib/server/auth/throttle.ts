import "server-only";
import { db } from "../db";

/**
 * Login throttling (DOMAIN.md: failed auth 5 per 5 min, then blocked 15 min), per account
 * and per address. Failures before the last success do not count. Each attempt is recorded.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 5 * 60_000;
export const BLOCK_MS = 15 * 60_000;
const IP_MAX_FAILURES = 20;

export interface ThrottleState {
  blockedUntil: Date | null;
  /** Delay to apply before answering, growing with recent failures (slows guessing). */
  delayMs: number;
}

async function recentFailures(where: { email: string } | { ip: string }, now: Date): Promise<Date[]> {
  const since = new Date(now.getTime() - WINDOW_MS - BLOCK_MS);
  const lastSuccess = await db().loginAttempt.findFirst({
    where: { ...where, success: true, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const rows = await db().loginAttempt.findMany({
    where: { ...where, success: false, createdAt: { gt: lastSuccess?.createdAt ?? since } },
    orderBy: { createdAt: "desc" },
    take: IP_MAX_FAILURES,
    select: { createdAt: true },
  });
  return rows.map((r) => r.createdAt);
}

function blockedUntil(failures: Date[], max: number, now: Date): Date | null {
  const newest = failures[0];
  const nth = failures[max - 1];
  if (!newest || !nth) return null;
  if (newest.getTime() - nth.getTime() > WINDOW_MS) return null;
  const until = new Date(newest.getTime() + BLOCK_MS);
  return until > now ? until : null;
}

export async function loginThrottleState(email: string, ip: string | null, now = new Date()): Promise<ThrottleState> {
  const byEmail = await recentFailures({ email }, now);
  const byIp = ip ? await recentFailures({ ip }, now) : [];
  const until = [blockedUntil(byEmail, MAX_FAILURES, now), blockedUntil(byIp, IP_MAX_FAILURES, now)]
    .filter((d): d is Date => d !== null)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const recent = byEmail.filter((d) => now.getTime() - d.getTime() < WINDOW_MS).length;
  return { blockedUntil: until ?? null, delayMs: recent === 0 ? 0 : Math.min(2000, 250 * 2 ** (recent - 1)) };
}

export async function recordLoginAttempt(
  email: string,
  ip: string | null,
  success: boolean,
  reason: string,
): Promise<void> {
  await db().loginAttempt.create({ data: { email, ip: ip ?? "", success, reason } });
}
