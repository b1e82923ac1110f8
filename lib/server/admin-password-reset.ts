import "server-only";
import { randomBytes } from "node:crypto";
import type { AdminIdInput } from "@/lib/schemas/admins";
import { writeAudit } from "./audit";
import { hashPassword } from "./auth/password";
import type { Actor } from "./auth/session";
import { endSessionsIn } from "./auth/session-version";
import { db } from "./db";
import { AppError } from "./errors";
import type { RequestContext } from "./request-context";

/**
 * An owner resets another admin's password (issue 13 #13): a generated password (120 random bits), returned
 * once and stored only as its hash; every session of that admin ends; the audit row names who and whom, never
 * the password. Owners change their own password themselves, so resetting one's own is refused.
 */
export async function resetAdminPassword(
  actor: Actor,
  input: AdminIdInput,
  ctx: RequestContext,
): Promise<{ email: string; password: string }> {
  if (input.adminId === actor.id)
    throw new AppError("invalid_input", "Reset another admin's password; change your own by signing in with it.");
  const password = randomBytes(15).toString("base64url");
  const passwordHash = await hashPassword(password);
  return db().$transaction(async (tx) => {
    const admin = await tx.admin.findUnique({ where: { id: input.adminId }, select: { id: true, email: true } });
    if (!admin) throw new AppError("not_found", "No such admin.");
    // The owner saw this password: the admin replaces it at their next sign-in.
    await tx.admin.update({ where: { id: admin.id }, data: { passwordHash, mustChangePassword: true } });
    await endSessionsIn(tx, admin.id);
    await writeAudit(tx, {
      actor,
      action: "admin.password_reset",
      targetType: "admin",
      targetId: admin.id,
      after: { email: admin.email, sessions: "ended", mustChangePassword: true },
      ctx,
    });
    return { email: admin.email, password };
  });
}
