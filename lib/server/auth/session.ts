import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { db } from "../db";
import { AppError } from "../errors";
import { authOptions } from "./options";
import { can, isRole, type Permission, type Role } from "./permissions";

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * The signed-in admin, read fresh from the database on every call: a disabled account
 * or a changed role takes effect at once, whatever the session cookie says.
 */
export async function getActor(): Promise<Actor | null> {
  const session = (await getServerSession(authOptions())) as { adminId?: string } | null;
  if (!session?.adminId) return null;
  const admin = await db().admin.findUnique({
    where: { id: session.adminId },
    select: { id: true, email: true, name: true, role: true, status: true },
  });
  if (admin?.status !== "active" || !isRole(admin.role)) return null;
  return { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
}

/** For actions and route handlers: throws AppError unauthorized/forbidden. */
export async function requireActor(permission: Permission): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError("unauthorized", "Sign in first.");
  if (!can(actor.role, permission))
    throw new AppError("forbidden", `Your role (${actor.role}) does not allow ${permission}.`);
  return actor;
}

/** For pages: redirects to sign-in, or renders the 403 page. */
export async function requirePageActor(permission: Permission): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/signin");
  if (!can(actor.role, permission)) forbidden();
  return actor;
}
