import { z } from "zod";

/** Admin input for publishing, rollback and the version diff. */
const ResourceId = z.string().trim().min(1, "Choose a resource.").max(100);
const Note = z.string().trim().max(500, "At most 500 characters.").default("");
const VersionNumber = z.coerce.number({ error: "Enter a version number." }).int().min(1, "Versions start at 1.");

export const PublishInput = z.object({
  resourceId: ResourceId,
  note: Note,
  /** Publish although the server named a risk (issue 13 #5: failed Test connection, newly imported tools enabled). */
  confirm: z.boolean().optional(),
});
export type PublishInput = z.infer<typeof PublishInput>;

export const RollbackInput = z.object({ resourceId: ResourceId, version: VersionNumber, note: Note });
export type RollbackInput = z.infer<typeof RollbackInput>;

export const DiffQuery = z.object({ from: VersionNumber, to: VersionNumber });
export type DiffQuery = z.infer<typeof DiffQuery>;

/** REST bodies carry the resource id in the path. */
export const PublishBody = PublishInput.omit({ resourceId: true });
export const RollbackBody = RollbackInput.omit({ resourceId: true, version: true });

/** One leaf of a structured policy diff (shared by the server's differ and the History tab). */
export type DiffKind = "added" | "removed" | "changed";
export interface DiffEntry {
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

/** What the publish action answers (the shape of `ActionResult<{ version }>`), for client components. */
export type PublishActionResult =
  | { ok: true; data: { version: number } }
  | { ok: false; error: { code: string; message: string }; fieldErrors?: Record<string, string[]> };
