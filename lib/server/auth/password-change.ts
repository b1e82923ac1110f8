import "server-only";
import type { ChangePasswordInput } from "@/lib/schemas/admins";
import { writeAudit } from "../audit";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { hashPassword, passwordSignsIn, verifyPassword } from "./password";
import type { Actor } from "./session";
import { endSessionsIn } from "./session-version";
import { beginLoginAttempt, finishLoginAttempt } from "./throttle";

/**
 * An admin replaces their own password (issue 13 #13). Due at first sign-in when an owner set it (at creation
 * or reset) or it was generated at first start: whoever saw it cannot act as the admin afterwards.
 *
 * The current password is checked through the sign-in throttle (a stolen session cannot be used to guess it
 * faster than the sign-in form allows). On success every session ends, this one included (a copy of a cookie
 * issued under the old password stops working); the admin signs in again with the new password.
 */
export async function changeOwnPassword(
  actor: Actor,
  input: ChangePasswordInput,
  ctx: RequestContext,
): Promise<{ signInAgain: true }> {
  const admin = await db().admin.findUnique({
    where: { id: actor.id },
    select: { email: true, passwordHash: true, passwordEnabled: true, mustChangePassword: true },
  });
  if (!admin || !passwordSignsIn(admin))
    throw new AppError("conflict", "This account signs in with single sign-on; its password is managed there.");
  const ticket = await beginLoginAttempt(admin.email, ctx.ip);
  if (ticket.decision === "locked")
    throw new AppError("rate_limited", "Too many wrong passwords. Try again in 15 minutes.", { retryAfterSec: 900 });
  if (ticket.delayMs) await new Promise((r) => setTimeout(r, ticket.delayMs));
  if (!(await verifyPassword(input.currentPassword, admin.passwordHash))) {
    await finishLoginAttempt(ticket.attemptId, false, "bad_password");
    throw new AppError("invalid_input", "The current password is wrong.", {
      fieldErrors: { currentPassword: ["The current password is wrong."] },
    });
  }
  await finishLoginAttempt(ticket.attemptId, true, "password_change");
  const passwordHash = await hashPassword(input.newPassword);
  await db().$transaction(async (tx) => {
    await tx.admin.update({ where: { id: actor.id }, data: { passwordHash, mustChangePassword: false } });
    await endSessionsIn(tx, actor.id);
    await writeAudit(tx, {
      actor,
      action: "admin.password_changed",
      targetType: "admin",
      targetId: actor.id,
      after: { email: admin.email, wasRequired: admin.mustChangePassword, sessions: "ended" },
      ctx,
    });
  });
  return { signInAgain: true };
}

/** The account signs in with a local password (not SSO-only): the change-password form applies to it. */
export async function hasOwnPassword(adminId: string): Promise<boolean> {
  const admin = await db().admin.findUnique({
    where: { id: adminId },
    select: { passwordHash: true, passwordEnabled: true },
  });
  return admin ? passwordSignsIn(admin) : false;
}
