import "server-only";
import { type Db, db, type Tx } from "../db";
import { isPostgres } from "../env";

/**
 * Login throttling (DOMAIN.md: failed auth 5 per 5 min, then blocked 15 min), per account
 * and per address. Failures before the last success do not count. Each attempt is recorded.
 *
 * Race-free (issue 10 #3): an attempt is recorded *before* its password is checked, as a failure
 * marked `pending`, and the decision is taken from the recorded attempts in the same transaction,
 * under a per-account lock (PostgreSQL advisory lock; SQLite runs one write transaction at a time).
 * A burst of parallel attempts is therefore counted one by one: only the first MAX_FAILURES reach
 * the password check. The pending row becomes the outcome once the check is done.
 *
 * The owner cannot be locked out by someone else: while an account is blocked, an attempt from an
 * address with no failure in the last BLOCK_MS still reaches the password check (it is counted too,
 * so a wrong guess blocks that address as well). A guesser therefore gets one try per fresh address
 * per 15 minutes; the per-address limit (IP_MAX_FAILURES) still holds across accounts.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 5 * 60_000;
export const BLOCK_MS = 15 * 60_000;
const IP_MAX_FAILURES = 20;
const PENDING = "pending";

export interface ThrottleState {
  blockedUntil: Date | null;
  /** Delay to apply before answering, growing with recent failures (slows guessing). */
  delayMs: number;
  /** The address failed no attempt (on any account) in the last BLOCK_MS. */
  addressIsFresh: boolean;
  /** The address itself is over its own limit. */
  addressBlocked: boolean;
}

type Client = Db | Tx;

type Key = { email: string } | { ip: string } | { email: string; ip: string };

async function recentFailures(client: Client, where: Key, now: Date): Promise<Date[]> {
  const since = new Date(now.getTime() - WINDOW_MS - BLOCK_MS);
  const lastSuccess = await client.loginAttempt.findFirst({
    where: { ...where, success: true, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const rows = await client.loginAttempt.findMany({
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

async function stateIn(client: Client, email: string, ip: string | null, now: Date): Promise<ThrottleState> {
  const byEmail = await recentFailures(client, { email }, now);
  const byIp = ip ? await recentFailures(client, { ip }, now) : [];
  // The pair (account, address) keeps its own count: another address's success (the owner signing in
  // while the account is attacked) must not hand the attacking address a fresh set of guesses.
  const byPair = ip ? await recentFailures(client, { email, ip }, now) : [];
  const ipUntil = blockedUntil(byIp, IP_MAX_FAILURES, now);
  const pairUntil = blockedUntil(byPair, MAX_FAILURES, now);
  const until = [blockedUntil(byEmail, MAX_FAILURES, now), ipUntil, pairUntil]
    .filter((d): d is Date => d !== null)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const recent = byEmail.filter((d) => now.getTime() - d.getTime() < WINDOW_MS).length;
  const addressIsFresh = ip !== null && (await noFailureSince(client, ip, now));
  return {
    blockedUntil: until ?? null,
    delayMs: recent === 0 ? 0 : Math.min(2000, 250 * 2 ** (recent - 1)),
    addressIsFresh,
    addressBlocked: ipUntil !== null || pairUntil !== null,
  };
}

// recentFailures forgets failures before a success; freshness must not (a success on one account
// does not make an address that just failed on another one fresh).
async function noFailureSince(client: Client, ip: string, now: Date): Promise<boolean> {
  const failed = await client.loginAttempt.findFirst({
    where: { ip, success: false, createdAt: { gt: new Date(now.getTime() - BLOCK_MS) } },
    select: { id: true },
  });
  return failed === null;
}

export async function loginThrottleState(email: string, ip: string | null, now = new Date()): Promise<ThrottleState> {
  return stateIn(db(), email, ip, now);
}

export type AttemptTicket =
  | { decision: "locked" }
  | { decision: "check"; attemptId: number; delayMs: number; bypassedLock: boolean };

/**
 * Record the attempt, then decide, atomically per account. "check" means: verify the password
 * (after delayMs), then call finishLoginAttempt with the outcome.
 */
export async function beginLoginAttempt(email: string, ip: string | null, now = new Date()): Promise<AttemptTicket> {
  return db().$transaction(
    async (tx) => {
      if (isPostgres()) {
        // Account first, then address: every transaction takes them in this order, so no deadlock.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(727350104, hashtext(${email}))`;
        if (ip) await tx.$executeRaw`SELECT pg_advisory_xact_lock(727350105, hashtext(${ip}))`;
      }
      const state = await stateIn(tx, email, ip, now);
      const bypassedLock = state.blockedUntil !== null && state.addressIsFresh && !state.addressBlocked;
      if (state.blockedUntil && !bypassedLock) {
        await tx.loginAttempt.create({ data: { email, ip: ip ?? "", success: false, reason: "locked" } });
        return { decision: "locked" } as const;
      }
      const row = await tx.loginAttempt.create({
        data: { email, ip: ip ?? "", success: false, reason: PENDING },
        select: { id: true },
      });
      return { decision: "check", attemptId: row.id, delayMs: state.delayMs, bypassedLock } as const;
    },
    // A burst queues on the account lock: wait for a connection and the lock longer than Prisma's 2 s default.
    { maxWait: 15_000, timeout: 15_000 },
  );
}

/** The outcome of a checked attempt (a success stops earlier failures from counting). */
export async function finishLoginAttempt(attemptId: number, success: boolean, reason: string): Promise<void> {
  await db().loginAttempt.update({ where: { id: attemptId }, data: { success, reason } });
}

export async function recordLoginAttempt(
  email: string,
  ip: string | null,
  success: boolean,
  reason: string,
): Promise<void> {
  await db().loginAttempt.create({ data: { email, ip: ip ?? "", success, reason } });
}
