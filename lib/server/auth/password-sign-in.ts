import "server-only";
import { db } from "../db";
import { log } from "../log";
import type { RequestContext } from "../request-context";
import { verifyPassword } from "./password";
import { beginLoginAttempt, finishLoginAttempt } from "./throttle";

export type PasswordSignIn =
  | { ok: true; admin: { id: string; email: string; name: string } }
  | { ok: false; error: "InvalidCredentials" | "Locked" | "Disabled" | "UseSso" };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Password sign-in with throttling. The same answer for unknown accounts and wrong passwords.
 * The attempt is counted before the password is checked (throttle.ts), so parallel attempts
 * cannot all slip under the limit.
 */
export async function authenticateWithPassword(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<PasswordSignIn> {
  const normalized = email.trim().toLowerCase();
  const ticket = await beginLoginAttempt(normalized, ctx.ip);
  if (ticket.decision === "locked") return { ok: false, error: "Locked" };
  if (ticket.bypassedLock)
    log.warn({ ip: ctx.ip, requestId: ctx.requestId }, "sign-in: account locked, fresh address let through");
  if (ticket.delayMs) await sleep(ticket.delayMs);
  const admin = await db().admin.findUnique({ where: { email: normalized } });
  const valid = await verifyPassword(password, admin?.passwordHash);
  if (!admin || !valid) {
    await finishLoginAttempt(ticket.attemptId, false, admin ? "bad_password" : "unknown_account");
    return { ok: false, error: "InvalidCredentials" };
  }
  if (admin.status !== "active") {
    await finishLoginAttempt(ticket.attemptId, false, "disabled");
    return { ok: false, error: "Disabled" };
  }
  // Linked to an IdP identity: the IdP decides, the old local password no longer opens the account
  // (issue 23 #2) until an owner turns it back on. Said only after a correct password.
  if (!admin.passwordEnabled) {
    await finishLoginAttempt(ticket.attemptId, false, "password_disabled");
    return { ok: false, error: "UseSso" };
  }
  await finishLoginAttempt(ticket.attemptId, true, "ok");
  await db().admin.update({ where: { id: admin.id }, data: { lastLoginAt: new Date() } });
  return { ok: true, admin: { id: admin.id, email: admin.email, name: admin.name } };
}
