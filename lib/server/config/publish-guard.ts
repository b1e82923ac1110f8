import "server-only";
import { ConfigBundle, type EnforcerPolicy } from "@/lib/enforcer/policy";
import type { Tx } from "../db";
import { db } from "../db";
import { AppError } from "../errors";
import { parseDraft } from "../resources/dto";
import { diffJson } from "./diff";
import { loadDraftPolicy } from "./draft-policy";

/**
 * Issue 13 #5: what a publish may sign. A draft that builds exactly the live policy is refused ("nothing to
 * publish"), so History holds only real changes and a click on Publish never pretends something shipped.
 */
export async function publishablePolicy(
  tx: Tx,
  resourceId: string,
  opts: { confirmed: boolean },
): Promise<EnforcerPolicy> {
  await assertNotArchived(tx, resourceId);
  const policy = await loadDraftPolicy(tx, resourceId);
  const last = await tx.configVersion.findFirst({
    where: { resourceId },
    orderBy: { version: "desc" },
    select: { version: true, bundle: true },
  });
  if (last) {
    const live = ConfigBundle.safeParse(JSON.parse(last.bundle));
    if (live.success && diffJson(live.data.policy, policy).length === 0)
      throw new AppError(
        "nothing_to_publish",
        `Nothing to publish: the draft is the same as the live version v${last.version}.`,
      );
  }
  if (!opts.confirmed) {
    const risks = await publishRisks(tx, resourceId);
    if (risks.length)
      throw new AppError("confirmation_required", `Publish anyway? ${risks.join(" ")}`, {
        fieldErrors: { confirm: risks },
      });
  }
  return policy;
}

/**
 * Risks an admin should accept knowingly: the IdP profile's last Test connection failed (enforcers may not get
 * keys), or tools the last import found new are enabled (nobody reviewed them yet).
 */
export async function publishRisks(tx: Tx, resourceId: string): Promise<string[]> {
  const row = await tx.mcpResource.findUnique({
    where: { id: resourceId },
    select: { draft: true, idpProfile: { select: { name: true, lastTestOk: true } } },
  });
  if (!row) return [];
  const risks: string[] = [];
  if (row.idpProfile.lastTestOk === false)
    risks.push(
      `The last Test connection of IdP profile "${row.idpProfile.name}" failed: enforcers may not get its keys.`,
    );
  const newTools = parseDraft(row.draft)
    .tools.filter((t) => t.enabled && t.importedNew)
    .map((t) => t.name);
  if (newTools.length)
    risks.push(`Enabled tools the last import marked new (not yet reviewed): ${newTools.join(", ")}.`);
  return risks;
}

/** After a publish the tools it shipped are reviewed: the "new from the last import" marks are dropped. */
export async function clearImportMarks(tx: Tx, resourceId: string): Promise<void> {
  const draft = parseDraft(await currentDraft(tx, resourceId));
  if (!draft.tools.some((t) => t.importedNew)) return;
  const tools = draft.tools.map(({ importedNew: _, ...t }) => t);
  await tx.mcpResource.update({ where: { id: resourceId }, data: { draft: JSON.stringify({ ...draft, tools }) } });
}

/** An archived resource publishes nothing (its enforcers keep the deny-all bundle) until it is restored. */
export async function assertNotArchived(tx: Tx, resourceId: string): Promise<void> {
  const row = await tx.mcpResource.findUnique({ where: { id: resourceId }, select: { archivedAt: true } });
  if (row?.archivedAt)
    throw new AppError("resource_archived", "This resource is archived: restore it before publishing.");
}

/** The resource's stored draft JSON, read in the publish's transaction. */
export async function currentDraft(tx: Tx, resourceId: string): Promise<string> {
  const row = await tx.mcpResource.findUnique({ where: { id: resourceId }, select: { draft: true } });
  if (!row) throw new AppError("not_found", "No such resource.");
  return row.draft;
}

/** The draft a version was published from, when it was stored with it. */
export async function storedDraftOf(resourceId: string, version: number): Promise<string | null> {
  const row = await db().configVersion.findUnique({
    where: { resourceId_version: { resourceId, version } },
    select: { draft: true },
  });
  return row?.draft ?? null;
}
