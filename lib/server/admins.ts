import "server-only";
import type { ChangeRoleInput, CreateAdminInput, SetAdminStatusInput } from "@/lib/schemas/admins";
import { writeAudit } from "./audit";
import { hashPassword } from "./auth/password";
import type { Actor } from "./auth/session";
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
      data: { email: input.email, name: input.name, role: input.role, passwordHash },
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

async function loadForUpdate(tx: Tx, adminId: string) {
  const admin = await tx.admin.findUnique({ where: { id: adminId }, select: adminSelect });
  if (!admin) throw new AppError("not_found", "No such admin.");
  return admin;
}

// The last active owner can neither be demoted nor disabled: someone must be able to manage admins.
async function assertNotLastOwner(tx: Tx, admin: AdminRow): Promise<void> {
  if (admin.role !== "owner" || admin.status !== "active") return;
  const owners = await tx.admin.count({ where: { role: "owner", status: "active" } });
  if (owners <= 1) throw new AppError("conflict", "This is the last active owner. Make another admin an owner first.");
}

export async function changeAdminRole(actor: Actor, input: ChangeRoleInput, ctx: RequestContext): Promise<AdminDto> {
  return db().$transaction(async (tx) => {
    const before = await loadForUpdate(tx, input.adminId);
    if (before.role === input.role) return toDto(before);
    if (input.role !== "owner") await assertNotLastOwner(tx, before);
    const after = await tx.admin.update({ where: { id: before.id }, data: { role: input.role }, select: adminSelect });
    await writeAudit(tx, {
      actor,
      action: "admin.role_changed",
      targetType: "admin",
      targetId: after.id,
      before: { email: before.email, role: before.role },
      after: { email: after.email, role: after.role },
      ctx,
    });
    return toDto(after);
  });
}

export async function setAdminStatus(actor: Actor, input: SetAdminStatusInput, ctx: RequestContext): Promise<AdminDto> {
  return db().$transaction(async (tx) => {
    const before = await loadForUpdate(tx, input.adminId);
    if (before.status === input.status) return toDto(before);
    if (input.status === "disabled") await assertNotLastOwner(tx, before);
    const after = await tx.admin.update({
      where: { id: before.id },
      data: { status: input.status },
      select: adminSelect,
    });
    await writeAudit(tx, {
      actor,
      action: input.status === "disabled" ? "admin.disabled" : "admin.enabled",
      targetType: "admin",
      targetId: after.id,
      before: { email: before.email, status: before.status },
      after: { email: after.email, status: after.status },
      ctx,
    });
    return toDto(after);
  });
}
