import "server-only";
import { type CreateResourceInput, ResourceDraft, type UpdateResourceInput } from "@/lib/schemas/resources";
import { auditChanges, writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db, type Tx } from "../db";
import { AppError, isUniqueViolation } from "../errors";
import type { RequestContext } from "../request-context";
import { parseDraft, resourceSelect, toResourceDto } from "./dto";
import { normalizeResourceUri } from "./normalize-uri";
import type { ResourceDto } from "./types";

const field = (name: string, message: string) =>
  new AppError("conflict", message, { fieldErrors: { [name]: [message] } });
const invalid = (name: string, message: string) =>
  new AppError("invalid_input", message, { fieldErrors: { [name]: [message] } });

/** Checks shared by create and update; returns the canonical URI. */
async function checkSettings(tx: Tx, input: CreateResourceInput, exceptId?: string): Promise<string> {
  const norm = normalizeResourceUri(input.uri);
  if (!norm.ok) throw invalid("uri", norm.error);
  const profile = await tx.idpProfile.findUnique({ where: { id: input.idpProfileId }, select: { id: true } });
  if (!profile) throw invalid("idpProfileId", "Choose an existing IdP profile.");
  const byName = await tx.mcpResource.findUnique({ where: { name: input.name }, select: { id: true } });
  if (byName && byName.id !== exceptId) throw field("name", "A resource with this name already exists.");
  const byUri = await tx.mcpResource.findUnique({ where: { uri: norm.uri }, select: { id: true } });
  if (byUri && byUri.id !== exceptId) throw field("uri", "A resource with this URI already exists.");
  return norm.uri;
}

function settingsOf(input: CreateResourceInput) {
  return {
    audiences: input.audiences,
    algorithms: input.algorithms,
    clockToleranceSec: input.clockToleranceSec,
    maxTokenLifetimeSec: input.maxTokenLifetimeSec,
    documentationUrl: input.documentationUrl,
    allowedOrigins: input.allowedOrigins,
  };
}

// Concurrent creates race past the pre-checks and meet the unique index: same answer.
const mapUnique = (err: unknown): never => {
  if (isUniqueViolation(err)) throw new AppError("conflict", "A resource with this name or URI already exists.");
  throw err;
};

export async function createResource(
  actor: Actor,
  input: CreateResourceInput,
  ctx: RequestContext,
): Promise<ResourceDto> {
  return db()
    .$transaction(async (tx) => {
      const uri = await checkSettings(tx, input);
      // Scopes, method mapping, tools and rate limits start from the defaults (BASE_SCOPES, DOMAIN.md limits).
      const draft = ResourceDraft.parse(settingsOf(input));
      const row = await tx.mcpResource.create({
        data: { name: input.name, uri, idpProfileId: input.idpProfileId, draft: JSON.stringify(draft) },
        select: resourceSelect,
      });
      await writeAudit(tx, {
        actor,
        action: "resource.created",
        targetType: "resource",
        targetId: row.id,
        after: { name: row.name, uri, idpProfileId: row.idpProfileId, draft },
        ctx,
      });
      return toResourceDto(row);
    })
    .catch(mapUnique);
}

/** Name, URI, IdP profile and token settings; the draft's policy parts are left as they are. */
export async function updateResource(
  actor: Actor,
  input: UpdateResourceInput,
  ctx: RequestContext,
): Promise<ResourceDto> {
  return db()
    .$transaction(async (tx) => {
      const before = await tx.mcpResource.findUnique({ where: { id: input.id }, select: resourceSelect });
      if (!before) throw new AppError("not_found", "No such resource.");
      const uri = await checkSettings(tx, input, input.id);
      const beforeDraft = parseDraft(before.draft);
      // settingsOf always carries documentationUrl (possibly undefined), so clearing it works.
      const draft = ResourceDraft.parse({ ...beforeDraft, ...settingsOf(input) });
      const row = await tx.mcpResource.update({
        where: { id: input.id },
        data: { name: input.name, uri, idpProfileId: input.idpProfileId, draft: JSON.stringify(draft) },
        select: resourceSelect,
      });
      await writeAudit(tx, {
        actor,
        action: "resource.updated",
        targetType: "resource",
        targetId: row.id,
        after: {
          changes: auditChanges(
            { name: before.name, uri: before.uri, idpProfileId: before.idpProfileId, draft: beforeDraft },
            { name: row.name, uri, idpProfileId: row.idpProfileId, draft },
          ),
        },
        ctx,
      });
      return toResourceDto(row);
    })
    .catch(mapUnique);
}
