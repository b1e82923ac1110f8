import "server-only";
import type { ApiTokenIdInput, CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { writeAudit } from "../audit";
import { can, isPermission, type Permission, permissionsOf, type Role, roleRank } from "../auth/permissions";
import type { Actor } from "../auth/session";
import { db, type Tx } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { formatCidr, parseCidr } from "./cidr";
import { displayPrefix, generateApiToken } from "./format";

const DAY_MS = 86_400_000;
/** Active (unrevoked, unexpired) tokens per admin: enough for every pipeline, bounded for the list. */
export const MAX_ACTIVE_TOKENS = 50;

export interface ApiTokenDto {
  id: string;
  name: string;
  /** `pcl_api_<prefix>_…`: enough to recognise a token, never its secret. */
  displayPrefix: string;
  role: Role;
  /** null: everything the role grants. */
  permissions: Permission[] | null;
  allowedCidrs: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  status: "active" | "expired" | "revoked";
}

const select = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  permissions: true,
  allowedCidrs: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
  adminId: true,
} as const;
type Row = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  permissions: string | null;
  allowedCidrs: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
};

/** JSON array columns (portable schema: no scalar lists). A damaged value reads as "nothing allowed". */
export function readStringArray(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : [];
  } catch {
    return [];
  }
}

function toDto(row: Row, now = Date.now()): ApiTokenDto {
  const status = row.revokedAt ? "revoked" : row.expiresAt.getTime() <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    displayPrefix: displayPrefix(row.prefix),
    role: row.role as Role,
    permissions: (readStringArray(row.permissions)?.filter(isPermission) ?? null) as Permission[] | null,
    allowedCidrs: readStringArray(row.allowedCidrs) ?? [],
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: row.lastUsedIp,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status,
  };
}

/** What a token's role may be narrowed to: the role's permissions, never token management. */
export function tokenPermissionsFor(role: Role): Permission[] {
  return permissionsOf(role).filter((p) => p !== "tokens.manage");
}

function checkInput(actor: Actor, input: CreateApiTokenInput): { permissions: Permission[] | null; cidrs: string[] } {
  if (roleRank(input.role) > roleRank(actor.role))
    throw new AppError("forbidden", `A token's role cannot be higher than yours (${actor.role}).`, {
      fieldErrors: { role: [`At most ${actor.role}.`] },
    });
  let permissions: Permission[] | null = null;
  if (input.permissions && input.permissions.length > 0) {
    const allowed = new Set(tokenPermissionsFor(input.role));
    const bad = input.permissions.filter((p) => !isPermission(p) || !allowed.has(p));
    if (bad.length > 0)
      throw new AppError("invalid_input", "Some fields are invalid.", {
        fieldErrors: { permissions: [`Not granted to the ${input.role} role: ${bad.join(", ")}.`] },
      });
    permissions = [...new Set(input.permissions as Permission[])].sort();
  }
  const cidrs: string[] = [];
  for (const text of input.allowedCidrs ?? []) {
    const c = parseCidr(text);
    if (!c)
      throw new AppError("invalid_input", "Some fields are invalid.", {
        fieldErrors: { allowedCidrs: [`Not an address range: ${text} (e.g. 203.0.113.0/24 or 2001:db8::/32).`] },
      });
    cidrs.push(formatCidr(c));
  }
  return { permissions, cidrs: [...new Set(cidrs)] };
}

/** Create a personal token for the signed-in admin. The full token is returned once and never stored. */
export async function createApiToken(
  actor: Actor,
  input: CreateApiTokenInput,
  ctx: RequestContext,
  now = new Date(),
): Promise<{ token: string; apiToken: ApiTokenDto }> {
  const { permissions, cidrs } = checkInput(actor, input);
  const secret = generateApiToken();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
  return db().$transaction(async (tx) => {
    const active = await tx.apiToken.count({
      where: { adminId: actor.id, revokedAt: null, expiresAt: { gt: now } },
    });
    if (active >= MAX_ACTIVE_TOKENS)
      throw new AppError("conflict", `You already have ${MAX_ACTIVE_TOKENS} active tokens: revoke one first.`);
    const row = await tx.apiToken.create({
      data: {
        adminId: actor.id,
        name: input.name,
        prefix: secret.prefix,
        secretHash: secret.secretHash,
        role: input.role,
        permissions: permissions ? JSON.stringify(permissions) : null,
        allowedCidrs: cidrs.length > 0 ? JSON.stringify(cidrs) : null,
        expiresAt,
      },
      select,
    });
    const apiToken = toDto(row, now.getTime());
    await writeAudit(tx, {
      actor,
      action: "api_token.created",
      targetType: "api_token",
      targetId: row.id,
      after: {
        name: apiToken.name,
        prefix: apiToken.displayPrefix,
        role: apiToken.role,
        permissions: apiToken.permissions,
        allowedCidrs: apiToken.allowedCidrs,
        expiresAt: apiToken.expiresAt,
      },
      ctx,
    });
    return { token: secret.token, apiToken };
  });
}

/** The actor's own tokens, newest first (revoked and expired ones included, marked). */
export async function listApiTokens(actor: Actor): Promise<ApiTokenDto[]> {
  const rows = await db().apiToken.findMany({ where: { adminId: actor.id }, select, orderBy: { createdAt: "desc" } });
  return rows.map((r) => toDto(r));
}

/** Revoke one of one's own tokens (owners, who manage admins, may revoke anyone's). Idempotent. */
export async function revokeApiToken(actor: Actor, input: ApiTokenIdInput, ctx: RequestContext): Promise<ApiTokenDto> {
  return db().$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: input.tokenId }, select });
    if (!row || (row.adminId !== actor.id && !can(actor.role, "admins.manage")))
      throw new AppError("not_found", "No such API token.");
    if (row.revokedAt) return toDto(row);
    const updated = await tx.apiToken.update({
      where: { id: row.id },
      data: { revokedAt: new Date(), revokedReason: "revoked" },
      select,
    });
    await writeAudit(tx, {
      actor,
      action: "api_token.revoked",
      targetType: "api_token",
      targetId: row.id,
      before: { name: row.name, prefix: displayPrefix(row.prefix), ownerId: row.adminId },
      ctx,
    });
    return toDto(updated);
  });
}

/**
 * Disabling an admin revokes every token of theirs, in the disable's transaction: enabling the
 * account again does not bring old tokens back (as with session cookies). Returns how many.
 */
export async function revokeTokensOfAdmin(tx: Tx, adminId: string, reason: string): Promise<number> {
  const { count } = await tx.apiToken.updateMany({
    where: { adminId, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
  return count;
}
