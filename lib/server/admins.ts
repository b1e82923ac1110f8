import "server-only";
import type { AdminIdInput, ChangeRoleInput, CreateAdminInput, SetAdminStatusInput } from "@/lib/schemas/admins";
import { changeRoleOrStatus } from "./admin-guard";
import { revokeTokensOfAdmin } from "./api-tokens/tokens";
import { writeAudit } from "./audit";
import { hashPassword } from "./auth/password";
import type { Actor } from "./auth/session";
import { endSessionsIn } from "./auth/session-version";
import { db, type Tx } from "./db";
import { AppError } from "./errors";
import type { RequestContext } from "./request-context";

export interface AdminDto {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  sso: boolean;
  /** false for an SSO-linked account until an owner turns password sign-in back on */
  passwordEnabled: boolean;
  /** the password was set by an owner (or generated) and the admin has not changed it yet */
  mustChangePassword: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

const adminSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  status: true,
  ssoSubject: true,
  passwordEnabled: true,
  mustChangePassword: true,
  createdAt: true,
  lastLoginAt: true,
} as const;
type AdminRow = {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  ssoSubject: string | null;
  passwordEnabled: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
};
const toDto = (a: AdminRow): AdminDto => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role,
  status: a.status,
  sso: a.ssoSubject !== null,
  passwordEnabled: a.passwordEnabled,
  mustChangePassword: a.mustChangePassword,
  createdAt: a.createdAt.toISOString(),
  lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
});

export async function listAdmins(): Promise<AdminDto[]> {
  const rows = await db().admin.findMany({ select: adminSelect, orderBy: [{ createdAt: "asc" }] });
  return rows.map(toDto);
}

export async function createAdmin(actor: Actor, input: CreateAdminInput, ctx: RequestContext): Promise<AdminDto> {
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    if (await tx.admin.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw new AppError("conflict", "An admin with this email already exists.", {
        fieldErrors: { email: ["An admin with this email already exists."] },
      });
    }
    const admin = await tx.admin.create({
      // The owner knows this password: the admin must replace it at first sign-in (issue 13 #13).
      data: { email: input.email, name: input.name, role: input.role, passwordHash, mustChangePassword: true },
      select: adminSelect,
    });
    await writeAudit(tx, {
      actor,
      action: "admin.created",
      targetType: "admin",
      targetId: admin.id,
      after: { email: admin.email, name: admin.name, role: admin.role },
      ctx,
    });
    return toDto(admin);
  });
}

/** A role or status change through the last-owner guard, audited in the same transaction. */
async function guardedChange(
  actor: Actor,
  adminId: string,
  field: "role" | "status",
  value: string,
  action: string,
  ctx: RequestContext,
): Promise<AdminDto> {
  return db().$transaction(async (tx) => {
    const result = await changeRoleOrStatus(tx, adminId, { [field]: value }, "refuse");
    if (result.changed) {
      // Disabling an admin revokes their API tokens in the same transaction (issue 14).
      const revokedApiAccess =
        field === "status" && value === "disabled" ? await revokeTokensOfAdmin(tx, adminId, "owner_disabled") : 0;
      await writeAudit(tx, {
        actor,
        action,
        targetType: "admin",
        targetId: adminId,
        before: { email: result.before.email, [field]: result.before[field] },
        after: {
          email: result.after.email,
          [field]: result.after[field],
          ...(revokedApiAccess > 0 ? { revokedApiAccess } : {}),
        },
        ctx,
      });
    }
    return loadDto(tx, adminId);
  });
}

export function changeAdminRole(actor: Actor, input: ChangeRoleInput, ctx: RequestContext): Promise<AdminDto> {
  return guardedChange(actor, input.adminId, "role", input.role, "admin.role_changed", ctx);
}

export function setAdminStatus(actor: Actor, input: SetAdminStatusInput, ctx: RequestContext): Promise<AdminDto> {
  const action = input.status === "disabled" ? "admin.disabled" : "admin.enabled";
  return guardedChange(actor, input.adminId, "status", input.status, action, ctx);
}

/** "Sign out everywhere" on the admin row: every session of this admin ends now (issue 10 #10). */
export async function endAdminSessions(actor: Actor, input: AdminIdInput, ctx: RequestContext): Promise<AdminDto> {
  return db().$transaction(async (tx) => {
    const admin = await loadDto(tx, input.adminId);
    await endSessionsIn(tx, admin.id);
    await writeAudit(tx, {
      actor,
      action: "admin.sessions_ended",
      targetType: "admin",
      targetId: admin.id,
      after: { email: admin.email },
      ctx,
    });
    return admin;
  });
}

/**
 * An owner turns password sign-in back on for an account whose password was switched off when an
 * IdP identity was linked to it (issue 23 #2).
 */
export async function enablePasswordSignIn(actor: Actor, input: AdminIdInput, ctx: RequestContext): Promise<AdminDto> {
  return db().$transaction(async (tx) => {
    const before = await loadDto(tx, input.adminId);
    if (before.passwordEnabled) return before;
    await tx.admin.update({ where: { id: before.id }, data: { passwordEnabled: true } });
    await writeAudit(tx, {
      actor,
      action: "admin.password_enabled",
      targetType: "admin",
      targetId: before.id,
      before: { email: before.email, localSignIn: "off" },
      after: { email: before.email, localSignIn: "on" },
      ctx,
    });
    return loadDto(tx, before.id);
  });
}

async function loadDto(tx: Tx, adminId: string): Promise<AdminDto> {
  const admin = await tx.admin.findUnique({ where: { id: adminId }, select: adminSelect });
  if (!admin) throw new AppError("not_found", "No such admin.");
  return toDto(admin);
}
