import "server-only";
import { z } from "zod";
import { ConfigBundle, type EnforcerPolicy } from "@/lib/enforcer/policy";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { validatePolicy } from "../config/build-policy";
import { loadDraftPolicy } from "../config/draft-policy";
import { commitVersion } from "../config/publish";
import { type Db, db, type Tx } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";

/**
 * Issue 13 #7: archive, restore and delete a resource. Archiving publishes a deny-all bundle (enforcers answer
 * 403 `resource_archived`, and every method and tool is disabled too, for enforcers older than that code); restoring
 * publishes the last policy before the archive again; only an archived resource can be deleted, by typing its name.
 * Each is audited. IdP profiles stay protected: an archived resource still uses its profile.
 */
export const ResourceIdInput = z.object({ id: z.string().trim().min(1, "Choose a resource.").max(100) });
export const DeleteResourceInput = ResourceIdInput.extend({
  confirmName: z.string().max(200).default(""),
});
export type DeleteResourceInput = z.infer<typeof DeleteResourceInput>;

/** The live policy made to refuse everything. */
export function archivedPolicy(policy: EnforcerPolicy): EnforcerPolicy {
  return {
    ...policy,
    archived: true,
    tools: policy.tools.map((t) => ({ ...t, enabled: false })),
    unlistedTools: "deny",
    methods: Object.fromEntries(Object.entries(policy.methods).map(([m, r]) => [m, { ...r, enabled: false }])),
    obo: [],
  };
}

export async function latestPolicy(
  tx: Db | Tx,
  resourceId: string,
  live: boolean,
): Promise<{ version: number; policy: EnforcerPolicy } | null> {
  const rows = await tx.configVersion.findMany({
    where: { resourceId },
    orderBy: { version: "desc" },
    take: live ? 1 : 20,
    select: { version: true, bundle: true },
  });
  for (const row of rows) {
    const parsed = ConfigBundle.safeParse(JSON.parse(row.bundle));
    // `live`: the newest version; otherwise the newest one that is not an archive bundle.
    if (parsed.success && (live || !parsed.data.policy.archived))
      return { version: row.version, policy: parsed.data.policy };
  }
  return null;
}

async function findResource(id: string) {
  const row = await db().mcpResource.findUnique({ where: { id }, select: { id: true, name: true, archivedAt: true } });
  if (!row) throw new AppError("not_found", "No such resource.");
  return row;
}

export async function archiveResource(
  actor: Actor,
  input: { id: string },
  ctx: RequestContext,
): Promise<{ version: number | null }> {
  const row = await findResource(input.id);
  if (row.archivedAt) throw new AppError("conflict", `${row.name} is already archived.`);
  const mark = async (tx: Tx, version: number | null) => {
    await tx.mcpResource.update({
      where: { id: row.id },
      data: { archivedAt: new Date(), archivedByEmail: actor.email },
    });
    await writeAudit(tx, {
      actor,
      action: "resource.archived",
      targetType: "resource",
      targetId: row.id,
      before: null,
      after: { name: row.name, version },
      ctx,
    });
  };
  const published = await db().configVersion.count({ where: { resourceId: row.id } });
  if (published === 0) {
    // Nothing was ever published: no enforcer runs this resource's policy, so there is nothing to replace.
    await db().$transaction((tx) => mark(tx, null));
    return { version: null };
  }
  const v = await commitVersion(
    actor,
    {
      resourceId: row.id,
      note: "Archived: every request is refused (resource_archived)",
      rolledBackFrom: null,
      policyFor: async (tx) => {
        const live = (await latestPolicy(tx, row.id, true))?.policy ?? (await loadDraftPolicy(tx, row.id));
        return validatePolicy(archivedPolicy(live), row.id);
      },
      afterWrite: (tx, version) => mark(tx, version),
    },
    ctx,
  );
  return { version: v.version };
}

export async function restoreResource(
  actor: Actor,
  input: { id: string },
  ctx: RequestContext,
): Promise<{ version: number | null }> {
  const row = await findResource(input.id);
  if (!row.archivedAt) throw new AppError("conflict", `${row.name} is not archived.`);
  const unmark = async (tx: Tx, version: number | null, from: number | null) => {
    await tx.mcpResource.update({ where: { id: row.id }, data: { archivedAt: null, archivedByEmail: null } });
    await writeAudit(tx, {
      actor,
      action: "resource.restored",
      targetType: "resource",
      targetId: row.id,
      before: null,
      after: { name: row.name, version, from },
      ctx,
    });
  };
  const before = await latestPolicy(db(), row.id, false);
  if (!before) {
    await db().$transaction((tx) => unmark(tx, null, null));
    return { version: null };
  }
  const v = await commitVersion(
    actor,
    {
      resourceId: row.id,
      note: `Restored from archive (the policy of v${before.version})`,
      rolledBackFrom: before.version,
      policyFor: async () => validatePolicy(before.policy, row.id),
      afterWrite: (tx, version) => unmark(tx, version, before.version),
    },
    ctx,
  );
  return { version: v.version };
}

export async function deleteResource(actor: Actor, input: DeleteResourceInput, ctx: RequestContext): Promise<void> {
  const row = await findResource(input.id);
  if (!row.archivedAt)
    throw new AppError("conflict", `Archive ${row.name} first: only an archived resource can be deleted.`);
  if (input.confirmName !== row.name)
    throw new AppError("invalid_input", "Type the resource's name to delete it.", {
      fieldErrors: { confirmName: [`Type ${row.name} exactly.`] },
    });
  await db().$transaction(async (tx) => {
    const full = await tx.mcpResource.findUniqueOrThrow({
      where: { id: row.id },
      select: { name: true, uri: true, idpProfileId: true },
    });
    // Versions, credentials, instances and snapshots go with it (cascade); the audit trail keeps its name and URI.
    await tx.mcpResource.delete({ where: { id: row.id } });
    await writeAudit(tx, {
      actor,
      action: "resource.deleted",
      targetType: "resource",
      targetId: row.id,
      before: full,
      after: null,
      ctx,
    });
  });
}
