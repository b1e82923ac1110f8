import "server-only";
import { z } from "zod";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { diffJson } from "../config/diff";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { parseDraft } from "./dto";

/** Issue 13 #4: drafts a rollback replaced, kept by name and restorable (History → Draft snapshots). */
export interface DraftSnapshotDto {
  id: string;
  name: string;
  createdByEmail: string;
  createdAt: string;
  /** How many draft fields differ from the current draft (0: restoring changes nothing). */
  changeCount: number;
}

export const RestoreSnapshotInput = z.object({
  resourceId: z.string().trim().min(1).max(100),
  snapshotId: z.string().trim().min(1, "Choose a snapshot.").max(100),
});
export type RestoreSnapshotInput = z.infer<typeof RestoreSnapshotInput>;

export async function listDraftSnapshots(resourceId: string): Promise<DraftSnapshotDto[]> {
  const [resource, rows] = await Promise.all([
    db().mcpResource.findUnique({ where: { id: resourceId }, select: { draft: true } }),
    db().draftSnapshot.findMany({
      where: { resourceId },
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { id: true, name: true, createdByEmail: true, createdAt: true, draft: true },
    }),
  ]);
  const current = parseDraft(resource?.draft ?? "{}");
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdByEmail: r.createdByEmail,
    createdAt: r.createdAt.toISOString(),
    changeCount: diffJson(current, parseDraft(r.draft)).length,
  }));
}

/**
 * Make a snapshot the draft again. The draft it replaces becomes a snapshot itself (unless it is the same), so a
 * restore is never a loss either. Audited; nothing is published.
 */
export async function restoreDraftSnapshot(
  actor: Actor,
  input: RestoreSnapshotInput,
  ctx: RequestContext,
): Promise<{ replacedBy: string | null }> {
  return db().$transaction(async (tx) => {
    const snap = await tx.draftSnapshot.findFirst({
      where: { id: input.snapshotId, resourceId: input.resourceId },
      select: { id: true, name: true, draft: true },
    });
    if (!snap) throw new AppError("not_found", "No such draft snapshot.");
    const row = await tx.mcpResource.findUnique({ where: { id: input.resourceId }, select: { draft: true } });
    if (!row) throw new AppError("not_found", "No such resource.");
    const current = parseDraft(row.draft);
    const target = parseDraft(snap.draft);
    let replacedBy: string | null = null;
    if (diffJson(current, target).length > 0) {
      replacedBy = `Draft before restoring "${snap.name}"`;
      await tx.draftSnapshot.create({
        data: { resourceId: input.resourceId, name: replacedBy, draft: row.draft, createdByEmail: actor.email },
      });
    }
    await tx.mcpResource.update({ where: { id: input.resourceId }, data: { draft: JSON.stringify(target) } });
    await writeAudit(tx, {
      actor,
      action: "resource.draft_restored",
      targetType: "resource",
      targetId: input.resourceId,
      before: null,
      after: { snapshotId: snap.id, snapshotName: snap.name, changes: diffJson(current, target) },
      ctx,
    });
    return { replacedBy };
  });
}
