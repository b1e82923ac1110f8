import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { db } from "../db";
import { AppError } from "../errors";
import { authOptions } from "./options";
import { passwordSignsIn } from "./password";
import { can, isRole, type Permission, type Role } from "./permissions";

export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The password was set by someone else: until it is changed, only the change-password page opens. */
  mustChangePassword?: boolean;
}

/** Where a signed-in admin whose password was set by someone else is sent (issue 13 #13). */
export const CHANGE_PASSWORD_PATH = "/account/password";

/** What the session callback exposes from the cookie (options.ts). */
export interface SessionClaims {
  adminId?: string;
  sessionVersion?: number;
}

/**
 * The signed-in admin, read fresh from the database on every call: a disabled account
 * or a changed role takes effect at once, whatever the session cookie says; a cookie issued
 * under an older session version (signed out, signed out everywhere, disabled, role or password
 * changed since) is refused, and so is one without a version.
 */
export async function getActor(): Promise<Actor | null> {
  return actorForSession((await getServerSession(authOptions())) as SessionClaims | null);
}

export async function actorForSession(session: SessionClaims | null): Promise<Actor | null> {
  if (!session?.adminId || typeof session.sessionVersion !== "number") return null;
  const admin = await db().admin.findUnique({
    where: { id: session.adminId },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      status: true,
      sessionVersion: true,
      mustChangePassword: true,
      passwordEnabled: true,
      passwordHash: true,
    },
  });
  if (admin?.status !== "active" || !isRole(admin.role)) return null;
  if (admin.sessionVersion !== session.sessionVersion) return null;
  const actor: Actor = { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
  // Only while that password signs in: an account linked to single sign-on since (password switched off) is not
  // sent to a form it cannot use.
  if (admin.mustChangePassword && passwordSignsIn(admin)) actor.mustChangePassword = true;
  return actor;
}

/**
 * For actions and route handlers: throws AppError unauthorized/forbidden, and
 * password_change_required while the admin's password was set by someone else (issue 13 #13):
 * whoever knew that password (the owner who set it, the console that printed it) cannot act as them.
 */
export async function requireActor(permission: Permission): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError("unauthorized", "Sign in first.");
  if (actor.mustChangePassword)
    throw new AppError("password_change_required", "Change the password you were given before you continue.");
  if (!can(actor.role, permission))
    throw new AppError("forbidden", `Your role (${actor.role}) does not allow ${permission}.`);
  return actor;
}

/** For pages: redirects to sign-in, or renders the 403 page. */
export async function requirePageActor(permission: Permission): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/signin");
  if (actor.mustChangePassword) redirect(CHANGE_PASSWORD_PATH);
  if (!can(actor.role, permission)) forbidden();
  return actor;
}

/** For the change-password page and action: any signed-in admin, whether or not a change is due. */
export async function requireSignedIn(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/signin");
  return actor;
}
