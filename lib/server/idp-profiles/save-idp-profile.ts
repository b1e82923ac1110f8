import "server-only";
import type { CreateIdpProfileInput, IdpKindSettings, UpdateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db, type Tx } from "../db";
import { AppError, isUniqueViolation } from "../errors";
import type { RequestContext } from "../request-context";
import { DEFAULT_ALGORITHMS, defaultClaimProfile, effectiveIdpValues } from "./derive";
import { idpProfileSelect, toIdpProfileDto } from "./dto";
import type { IdpProfileDto, IdpSettings } from "./types";

const NAME_TAKEN = "An IdP profile with this name already exists.";

/** The columns a create/update writes, computed from the validated input. */
export function columnsFor(input: CreateIdpProfileInput) {
  const { name, issuers, discoveryUrl, jwksUri, algorithms, claimProfile, ...kindInput } = input;
  const kindSettings = kindInput as IdpKindSettings;
  const overrides: IdpSettings["overrides"] = {
    ...(issuers?.length ? { issuers } : {}),
    ...(discoveryUrl ? { discoveryUrl } : {}),
    ...(jwksUri ? { jwksUri } : {}),
  };
  const settings: IdpSettings = { ...kindSettings, overrides };
  const effective = effectiveIdpValues(settings);
  const claims = { ...defaultClaimProfile(kindSettings), ...claimProfile };
  return {
    name,
    kind: kindSettings.kind,
    settings: JSON.stringify({ ...settings, claimProfile: claims }),
    issuers: JSON.stringify(effective.issuers),
    discoveryUrl: effective.discoveryUrl,
    jwksUri: effective.jwksUri,
    algorithms: JSON.stringify(algorithms ?? DEFAULT_ALGORITHMS),
    requireTokenType: claims.requireAtJwt ? "at+jwt" : null,
  };
}

/** What the audit trail records of a profile (no secrets live here). */
export function auditView(p: IdpProfileDto) {
  return {
    name: p.name,
    kind: p.kind,
    settings: p.settings,
    issuers: p.issuers,
    discoveryUrl: p.discoveryUrl,
    jwksUri: p.jwksUri,
    algorithms: p.algorithms,
    requireTokenType: p.requireTokenType,
    claimProfile: p.claimProfile,
  };
}

async function assertNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const existing = await tx.idpProfile.findUnique({ where: { name }, select: { id: true } });
  if (existing && existing.id !== exceptId) throw nameTaken();
}
const nameTaken = () => new AppError("conflict", NAME_TAKEN, { fieldErrors: { name: [NAME_TAKEN] } });

// A concurrent insert of the same name loses at the unique index; answer it like the pre-check.
const mapUnique = (err: unknown): never => {
  throw isUniqueViolation(err) ? nameTaken() : err;
};

export async function createIdpProfile(
  actor: Actor,
  input: CreateIdpProfileInput,
  ctx: RequestContext,
): Promise<IdpProfileDto> {
  const data = columnsFor(input);
  return db()
    .$transaction(async (tx) => {
      await assertNameFree(tx, data.name);
      const row = await tx.idpProfile.create({ data, select: idpProfileSelect });
      const dto = toIdpProfileDto(row);
      await writeAudit(tx, {
        actor,
        action: "idp_profile.created",
        targetType: "idp_profile",
        targetId: dto.id,
        after: auditView(dto),
        ctx,
      });
      return dto;
    })
    .catch(mapUnique);
}

export async function updateIdpProfile(
  actor: Actor,
  input: UpdateIdpProfileInput,
  ctx: RequestContext,
): Promise<IdpProfileDto> {
  const { id, ...rest } = input;
  const data = columnsFor(rest as CreateIdpProfileInput);
  return db()
    .$transaction(async (tx) => {
      const beforeRow = await tx.idpProfile.findUnique({ where: { id }, select: idpProfileSelect });
      if (!beforeRow) throw new AppError("not_found", "No such IdP profile.");
      const before = toIdpProfileDto(beforeRow);
      await assertNameFree(tx, data.name, id);
      if (before.kind !== data.kind && before.resourceCount > 0)
        throw new AppError("conflict", "Resources use this profile: its kind cannot change. Create a new profile.", {
          fieldErrors: { kind: ["Resources use this profile: its kind cannot change."] },
        });
      // A result tested against other endpoints says nothing about the new ones.
      const endpointsChanged =
        data.issuers !== beforeRow.issuers ||
        data.discoveryUrl !== beforeRow.discoveryUrl ||
        (data.jwksUri !== beforeRow.jwksUri && data.jwksUri !== "");
      // Generic OIDC: keep the JWKS URI learned from discovery unless the admin sets one.
      const jwksUri = data.jwksUri === "" && !endpointsChanged ? beforeRow.jwksUri : data.jwksUri;
      const row = await tx.idpProfile.update({
        where: { id },
        data: {
          ...data,
          jwksUri,
          ...(endpointsChanged ? { lastTestAt: null, lastTestOk: null, lastTestResult: null } : {}),
        },
        select: idpProfileSelect,
      });
      const after = toIdpProfileDto(row);
      await writeAudit(tx, {
        actor,
        action: "idp_profile.updated",
        targetType: "idp_profile",
        targetId: id,
        before: auditView(before),
        after: auditView(after),
        ctx,
      });
      return after;
    })
    .catch(mapUnique);
}

export async function deleteIdpProfile(actor: Actor, input: { id: string }, ctx: RequestContext): Promise<void> {
  await db()
    .$transaction(async (tx) => {
      const row = await tx.idpProfile.findUnique({ where: { id: input.id }, select: idpProfileSelect });
      if (!row) throw new AppError("not_found", "No such IdP profile.");
      const users = await tx.mcpResource.findMany({
        where: { idpProfileId: input.id },
        select: { name: true },
        take: 5,
      });
      if (users.length > 0)
        throw new AppError(
          "conflict",
          `Resources use this profile (${users.map((u) => u.name).join(", ")}${row._count.resources > users.length ? ", …" : ""}). Move them to another profile first.`,
        );
      await tx.idpProfile.delete({ where: { id: input.id } });
      await writeAudit(tx, {
        actor,
        action: "idp_profile.deleted",
        targetType: "idp_profile",
        targetId: input.id,
        before: auditView(toIdpProfileDto(row)),
        ctx,
      });
    })
    .catch((err: unknown) => {
      // A resource created concurrently still holds the foreign key: same answer as the pre-check.
      if ((err as { code?: string }).code === "P2003")
        throw new AppError("conflict", "Resources use this profile. Move them to another profile first.");
      throw err;
    });
}
