/**
 * The one role → permission map. Every server-side check names a permission,
 * never a role, so a new role is one line here.
 */
export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "dashboard.read",
  "resources.read",
  "resources.write",
  "idp.read",
  "idp.write",
  "config.publish",
  "credentials.manage",
  "telemetry.read",
  "audit.read",
  "admins.read",
  "admins.manage",
  "alerts.read",
  "alerts.write",
  // Audit streaming sinks (issue 14): create, change, delete, send test. Reading them is audit.read.
  "audit.stream",
  // Personal admin API tokens (issue 14): create, list and revoke one's own. Never granted to a token.
  "tokens.manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = PERMISSIONS.filter((p) => p.endsWith(".read"));
const ALL_BUT_ADMINS: Permission[] = PERMISSIONS.filter((p) => p !== "admins.manage");

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(ALL_BUT_ADMINS),
  viewer: new Set(READ),
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: string, permission: Permission): boolean {
  return isRole(role) && GRANTS[role].has(permission);
}

/** Higher is more: a token's role may not rank above its owner's. */
export function roleRank(role: Role): number {
  return ROLES.length - ROLES.indexOf(role);
}

/** Every permission a role grants, in PERMISSIONS order. */
export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => GRANTS[role].has(p));
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && (PERMISSIONS as readonly string[]).includes(value);
}
