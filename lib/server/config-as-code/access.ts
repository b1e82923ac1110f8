import "server-only";
import { readStringArray } from "../api-tokens/tokens";
import { can, type Permission } from "../auth/permissions";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";

/**
 * The config document spans every area, so a route's one `withAdmin` permission is not enough: reading it
 * needs each area's read permission, changing it each area's write permission (and config.publish to publish).
 * An API token may be narrower than its role (issue 14): its own list must hold each permission too.
 */
export const EXPORT_PERMISSIONS: Permission[] = ["resources.read", "idp.read", "alerts.read"];
export const CHANGE_PERMISSIONS: Permission[] = ["resources.write", "idp.write", "alerts.write"];

export async function requirePermissions(actor: Actor, req: RequestContext, permissions: Permission[]): Promise<void> {
  // actor.role is already the token's role capped by its owner's (authenticateApiToken).
  const missing = permissions.filter((p) => !can(actor.role, p));
  if (missing.length)
    throw new AppError("forbidden", `Your role (${actor.role}) does not allow ${missing.join(", ")}.`);
  if (!req.apiTokenId) return;
  const token = await db().apiToken.findUnique({ where: { id: req.apiTokenId }, select: { permissions: true } });
  const narrowed = readStringArray(token?.permissions ?? null);
  const notGranted = narrowed ? permissions.filter((p) => !narrowed.includes(p)) : [];
  if (!token || notGranted.length)
    throw new AppError("forbidden", `This API token does not allow ${notGranted.join(", ") || "this"}.`);
}
