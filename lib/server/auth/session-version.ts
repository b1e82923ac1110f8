import "server-only";
import { writeAudit } from "../audit";
import { db, type Tx } from "../db";
import { log } from "../log";

/**
 * Server-side end of a stateless session (issue 10 #10). Session cookies are JWTs valid 8 h; each
 * carries the admin's sessionVersion at sign-in, and getActor() refuses a cookie whose version is
 * not the admin's current one. Bumping the version therefore ends every session issued before:
 * on sign-out, "sign out everywhere", disable, role change and password change.
 */
export async function currentSessionVersion(adminId: string): Promise<number | null> {
  const row = await db().admin.findUnique({ where: { id: adminId }, select: { sessionVersion: true } });
  return row?.sessionVersion ?? null;
}

/** In the caller's transaction: every session of this admin issued so far stops working. */
export async function endSessionsIn(tx: Tx, adminId: string): Promise<void> {
  await tx.admin.update({ where: { id: adminId }, data: { sessionVersion: { increment: 1 } } });
}

/**
 * next-auth `events.signOut`: the cookie's own session ends everywhere it was copied to. Only when
 * the cookie is still current, so an old stolen cookie cannot be used to sign the owner out.
 */
export async function endSessionsOnSignOut(token: Record<string, unknown> | null | undefined): Promise<void> {
  const adminId = typeof token?.adminId === "string" ? token.adminId : null;
  const version = typeof token?.sv === "number" ? token.sv : null;
  if (!adminId || version === null) return;
  await db().$transaction(async (tx) => {
    const ended = await tx.admin.updateMany({
      where: { id: adminId, sessionVersion: version },
      data: { sessionVersion: { increment: 1 } },
    });
    if (ended.count === 0) return;
    const admin = await tx.admin.findUnique({ where: { id: adminId }, select: { email: true } });
    await writeAudit(tx, {
      actor: { id: adminId, email: admin?.email ?? "" },
      action: "admin.signed_out",
      targetType: "admin",
      targetId: adminId,
    });
  });
  log.info({ adminId }, "signed out: sessions ended");
}
