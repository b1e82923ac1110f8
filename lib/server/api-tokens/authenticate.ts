import "server-only";
import type { Counter } from "prom-client";
import { writeAudit } from "../audit";
import { isPermission, isRole, type Permission, type Role, roleRank } from "../auth/permissions";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { classifyDbFault } from "../db-faults";
import { secretMatches } from "../enforcers/credential-format";
import { AppError } from "../errors";
import { counter } from "../prom";
import type { RequestContext } from "../request-context";
import { addressAllowed } from "./cidr";
import { parseApiToken } from "./format";
import { readStringArray, tokenPermissionsFor } from "./tokens";

export interface TokenActor {
  /** The token's owner, with the token's role (never above the owner's current one). */
  actor: Actor;
  tokenId: string;
  /** What this token may do: its narrowed set, or its role's; never tokens.manage. */
  permissions: ReadonlySet<Permission>;
}

// lastUsedAt is shown to the owner; writing it on every call would turn every read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

const refusals = (): Counter<string> =>
  counter("portcullis_api_token_refused_total", "Admin API requests refused at bearer-token authentication", [
    "reason",
  ]);

type Reason = "malformed" | "unknown" | "revoked" | "expired" | "owner_inactive" | "address";

function refuse(reason: Reason, message?: string): never {
  refusals().inc({ reason });
  if (reason === "address") throw new AppError("forbidden", "This API token may not be used from your address.");
  // Before the secret matched, one message for every reason: nothing is learned about which prefixes exist.
  throw new AppError("unauthorized", message ?? "A valid API token is required (Authorization: Bearer pcl_api_…).");
}

/** The `Authorization: Bearer …` value, or null when the header is absent. RFC 6750 §2.1. */
export function bearerOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header === null) return null;
  return /^Bearer ([^\s]+)$/i.exec(header.trim())?.[1] ?? "";
}

function lowerRole(a: Role, b: Role): Role {
  return roleRank(a) <= roleRank(b) ? a : b;
}

/**
 * Authenticate an admin API request by its personal token. Enforcer credentials (`pcl_<hex>_…`)
 * do not parse and are refused like any other malformed token. Checks, in order: format, prefix
 * and secret (constant time), revoked, expired, owner still active, source address in the token's
 * CIDRs. The owner's current role caps the token's role, so demoting an admin narrows their tokens at once.
 */
export async function authenticateApiToken(
  token: string,
  req: RequestContext,
  now = Date.now(),
  use: { method: string; path: string } = { method: "", path: "" },
): Promise<TokenActor> {
  const parsed = parseApiToken(token);
  if (!parsed) refuse("malformed");
  const row = await db().apiToken.findUnique({
    where: { prefix: parsed.prefix },
    select: {
      id: true,
      secretHash: true,
      role: true,
      permissions: true,
      allowedCidrs: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      lastUsedIp: true,
      admin: { select: { id: true, email: true, name: true, role: true, status: true } },
    },
  });
  if (!row || !secretMatches(parsed.secret, row.secretHash)) refuse("unknown");
  if (row.revokedAt) refuse("revoked", "This API token has been revoked.");
  if (row.expiresAt.getTime() <= now) refuse("expired", "This API token has expired.");
  const owner = row.admin;
  if (owner.status !== "active" || !isRole(owner.role) || !isRole(row.role))
    refuse("owner_inactive", "This API token's owner is disabled.");
  if (!addressAllowed(req.ip, readStringArray(row.allowedCidrs) ?? [])) refuse("address");

  const role = lowerRole(row.role, owner.role);
  const grantable = tokenPermissionsFor(role);
  const narrowed = readStringArray(row.permissions);
  const permissions = new Set(
    narrowed ? grantable.filter((p) => narrowed.filter(isPermission).includes(p)) : grantable,
  );

  const actor = { id: owner.id, email: owner.email, name: owner.name, role };
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS || row.lastUsedIp !== req.ip) {
    // The audit trail names every token's use, by its owner: once a minute per token, and at once from a
    // new address (every change made with it is audited on its own). Best effort: on a full disk, reads
    // still work even though this write fails.
    await db()
      .$transaction(async (tx) => {
        await tx.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now), lastUsedIp: req.ip } });
        await writeAudit(tx, {
          actor,
          action: "api_token.used",
          targetType: "api_token",
          targetId: row.id,
          after: { ip: req.ip, method: use.method, path: use.path, previousIp: row.lastUsedIp },
          ctx: { ...req, apiTokenId: row.id },
        });
      })
      .catch((err: unknown) => {
        if (classifyDbFault(err) !== "storage_full") throw err;
      });
  }
  return {
    actor,
    tokenId: row.id,
    permissions,
  };
}
