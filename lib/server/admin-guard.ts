import "server-only";
import { endSessionsIn } from "./auth/session-version";
import type { Tx } from "./db";
import { isPostgres } from "./env";
import { AppError } from "./errors";

/**
 * The one place that changes an admin's role or status (issue 23 #2). Every path goes through it:
 * the admin API and server actions (admins.ts), SSO role re-mapping (auth/sso.ts), disable/enable.
 * It holds the invariant "at least one active owner" inside the caller's transaction, under one
 * lock for all such changes (PostgreSQL advisory lock; SQLite has a single writer), so two
 * concurrent demotions of the last two owners cannot both pass. A change of role or status also
 * ends the admin's sessions (issue 10 #10).
 */
export interface AdminState {
  id: string;
  email: string;
  role: string;
  status: string;
}
export interface AdminChange {
  role?: string;
  status?: string;
}
export type LastOwnerPolicy =
  /** Refuse the change with a conflict (an owner's explicit request: they get the message). */
  | "refuse"
  /** Keep the owner's role and status, apply nothing else (SSO re-mapping: the caller audits why). */
  | "keep";

export interface ChangeResult {
  before: AdminState;
  after: AdminState;
  changed: boolean;
  /** The change would have left no active owner and was not applied. */
  keptLastOwner: boolean;
}

export const LAST_OWNER_MESSAGE = "This is the last active owner. Make another admin an owner first.";

const select = { id: true, email: true, role: true, status: true } as const;
const isActiveOwner = (a: { role: string; status: string }) => a.role === "owner" && a.status === "active";

export async function changeRoleOrStatus(
  tx: Tx,
  adminId: string,
  change: AdminChange,
  ifLastOwner: LastOwnerPolicy,
): Promise<ChangeResult> {
  if (isPostgres()) await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(727350106)");
  const before = await tx.admin.findUnique({ where: { id: adminId }, select });
  if (!before) throw new AppError("not_found", "No such admin.");
  const next = { role: change.role ?? before.role, status: change.status ?? before.status };
  if (next.role === before.role && next.status === before.status) {
    return { before, after: before, changed: false, keptLastOwner: false };
  }
  if (isActiveOwner(before) && !isActiveOwner(next)) {
    const others = await tx.admin.count({ where: { role: "owner", status: "active", id: { not: adminId } } });
    if (others === 0) {
      if (ifLastOwner === "refuse") throw new AppError("conflict", LAST_OWNER_MESSAGE);
      return { before, after: before, changed: false, keptLastOwner: true };
    }
  }
  const after = await tx.admin.update({ where: { id: adminId }, data: next, select });
  await endSessionsIn(tx, adminId);
  return { before, after, changed: true, keptLastOwner: false };
}
