import "server-only";
import { can, type Permission } from "../auth/permissions";
import type { Actor } from "../auth/session";
import { AppError } from "../errors";

/**
 * The config document spans every area, so a route's one `withAdmin` permission is not enough: reading it
 * needs each area's read permission, changing it each area's write permission (and config.publish to publish).
 */
export const EXPORT_PERMISSIONS: Permission[] = ["resources.read", "idp.read", "alerts.read"];
export const CHANGE_PERMISSIONS: Permission[] = ["resources.write", "idp.write", "alerts.write"];

export function requirePermissions(actor: Actor, permissions: Permission[]): void {
  const missing = permissions.filter((p) => !can(actor.role, p));
  if (missing.length)
    throw new AppError("forbidden", `Your role (${actor.role}) does not allow ${missing.join(", ")}.`);
}
