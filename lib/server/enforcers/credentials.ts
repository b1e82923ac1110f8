import "server-only";
import type { CreateCredentialInput, RevokeCredentialInput, RotateCredentialInput } from "@/lib/schemas/enforcers";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db, type Tx } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { generateCredential } from "./credential-format";

/**
 * Enforcer credentials: one resource each, shown once, stored as prefix + SHA-256 of the secret.
 * Rotation issues a new credential and lets the old one live for an overlap window, so a fleet
 * can be redeployed without a moment where no credential works. Audit rows never hold the secret.
 */
export type CredentialStatus = "active" | "expiring" | "expired" | "revoked";
export interface CredentialDto {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: CredentialStatus;
}
export interface IssuedCredential {
  credential: CredentialDto;
  /** The full `pcl_<prefix>_<secret>`: returned once, never stored. */
  secret: string;
}

const select = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;
type Row = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

function toDto(r: Row, now = Date.now()): CredentialDto {
  let status: CredentialStatus = "active";
  if (r.revokedAt) status = "revoked";
  else if (r.expiresAt && r.expiresAt.getTime() <= now) status = "expired";
  else if (r.expiresAt) status = "expiring";
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: iso(r.lastUsedAt),
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
    status,
  };
}

async function assertResource(client: Pick<Tx, "mcpResource">, resourceId: string): Promise<void> {
  if (!(await client.mcpResource.findUnique({ where: { id: resourceId }, select: { id: true } })))
    throw new AppError("not_found", "No such resource.");
}

// Scoped by resource: a credential id from another resource is simply not found.
async function loadCredential(tx: Tx, resourceId: string, credentialId: string): Promise<Row> {
  const row = await tx.enforcerCredential.findFirst({ where: { id: credentialId, resourceId }, select });
  if (!row) throw new AppError("not_found", "No such credential for this resource.");
  return row;
}

export async function listCredentials(resourceId: string): Promise<CredentialDto[]> {
  await assertResource(db(), resourceId);
  const rows = await db().enforcerCredential.findMany({
    where: { resourceId },
    orderBy: { createdAt: "desc" },
    select,
  });
  const now = Date.now();
  return rows.map((r) => toDto(r, now));
}

async function issue(tx: Tx, resourceId: string, name: string): Promise<IssuedCredential> {
  const { token, prefix, secretHash } = generateCredential();
  const row = await tx.enforcerCredential.create({ data: { resourceId, name, prefix, secretHash }, select });
  return { credential: toDto(row), secret: token };
}

export async function createCredential(
  actor: Actor,
  input: CreateCredentialInput,
  ctx: RequestContext,
): Promise<IssuedCredential> {
  return db().$transaction(async (tx) => {
    await assertResource(tx, input.resourceId);
    const clash = await tx.enforcerCredential.findFirst({
      where: { resourceId: input.resourceId, name: input.name, revokedAt: null },
      select: { id: true },
    });
    if (clash) {
      const message = "An active credential with this name exists for this resource.";
      throw new AppError("conflict", message, { fieldErrors: { name: [message] } });
    }
    const issued = await issue(tx, input.resourceId, input.name);
    await writeAudit(tx, {
      actor,
      action: "enforcer_credential.created",
      targetType: "enforcer_credential",
      targetId: issued.credential.id,
      after: { resourceId: input.resourceId, name: input.name, prefix: issued.credential.prefix },
      ctx,
    });
    return issued;
  });
}

export async function revokeCredential(
  actor: Actor,
  input: RevokeCredentialInput,
  ctx: RequestContext,
): Promise<CredentialDto> {
  return db().$transaction(async (tx) => {
    const before = await loadCredential(tx, input.resourceId, input.credentialId);
    if (before.revokedAt) return toDto(before);
    const after = await tx.enforcerCredential.update({
      where: { id: before.id },
      data: { revokedAt: new Date() },
      select,
    });
    await writeAudit(tx, {
      actor,
      action: "enforcer_credential.revoked",
      targetType: "enforcer_credential",
      targetId: before.id,
      before: { resourceId: input.resourceId, name: before.name, prefix: before.prefix },
      after: { revokedAt: after.revokedAt },
      ctx,
    });
    return toDto(after);
  });
}

/** New credential with the same name; the old one keeps working until now + overlap (never extended). */
export async function rotateCredential(
  actor: Actor,
  input: RotateCredentialInput,
  ctx: RequestContext,
): Promise<IssuedCredential & { previous: CredentialDto }> {
  return db().$transaction(async (tx) => {
    const old = await loadCredential(tx, input.resourceId, input.credentialId);
    const now = Date.now();
    if (old.revokedAt || (old.expiresAt && old.expiresAt.getTime() <= now))
      throw new AppError("conflict", "This credential is revoked or expired: create a new one instead.");
    const overlapEnd = new Date(now + input.overlapHours * 3600_000);
    const expiresAt = old.expiresAt && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
    const previous = await tx.enforcerCredential.update({ where: { id: old.id }, data: { expiresAt }, select });
    const issued = await issue(tx, input.resourceId, old.name);
    await writeAudit(tx, {
      actor,
      action: "enforcer_credential.rotated",
      targetType: "enforcer_credential",
      targetId: old.id,
      before: { resourceId: input.resourceId, name: old.name, prefix: old.prefix },
      after: { replacedBy: issued.credential.id, newPrefix: issued.credential.prefix, oldExpiresAt: expiresAt },
      ctx,
    });
    return { ...issued, previous: toDto(previous) };
  });
}
