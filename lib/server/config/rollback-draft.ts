import "server-only";
import type { EnforcerPolicy } from "@/lib/enforcer/policy";
import { ResourceDraft } from "@/lib/schemas/resources";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import type { Tx } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { parseDraft } from "../resources/dto";
import { diffJson } from "./diff";

/**
 * Issue 13 #4: a rollback also resets the draft to the rolled-back version, so the next publish does not silently
 * re-enable what was rolled back. The draft it replaces is kept as a named snapshot (History → Draft snapshots),
 * restorable in one click.
 */

/**
 * The draft a version was published from. Versions published before drafts were stored with them: rebuilt from the
 * policy, keeping what the policy does not carry (scope descriptions) from the current draft.
 */
export function draftOfVersion(stored: string | null, policy: EnforcerPolicy, current: ResourceDraft): ResourceDraft {
  if (stored) return parseDraft(stored);
  const describe = new Map(current.scopes.map((s) => [s.name, s.description]));
  return ResourceDraft.parse({
    audiences: policy.idp.audiences,
    algorithms: policy.idp.algorithms,
    clockToleranceSec: policy.idp.clockToleranceSec,
    maxTokenLifetimeSec: policy.idp.maxTokenLifetimeSec,
    ...(policy.resource.documentationUrl ? { documentationUrl: policy.resource.documentationUrl } : {}),
    allowedOrigins: policy.resource.allowedOrigins,
    scopes: policy.scopesSupported.map((name) => ({ name, description: describe.get(name) ?? "" })),
    methods: policy.methods,
    tools: policy.tools,
    unlistedTools: policy.unlistedTools,
    rateLimits: policy.rateLimits,
    baselineScopes: current.baselineScopes.length ? policy.baselineScopes : [],
    toolsNeedingScope: policy.toolsNeedingScope,
    downstreams: policy.obo.flatMap((d) =>
      d.clientId && d.secretFrom ? [{ ...d, clientId: d.clientId, secretFrom: d.secretFrom }] : [],
    ),
  });
}

/**
 * Inside the rollback's transaction: keep the current draft as a snapshot (when it differs) and reset the draft to
 * `target`. Returns the snapshot's name, or null when the draft already was the target.
 */
export async function resetDraftForRollback(
  tx: Tx,
  actor: Actor,
  args: { resourceId: string; target: ResourceDraft; toVersion: number; newVersion: number },
  ctx: RequestContext,
): Promise<string | null> {
  const row = await tx.mcpResource.findUnique({ where: { id: args.resourceId }, select: { draft: true } });
  if (!row) throw new AppError("not_found", "No such resource.");
  const current = parseDraft(row.draft);
  if (diffJson(current, args.target).length === 0) return null;
  const name = `Draft before rollback to v${args.toVersion} (v${args.newVersion})`;
  const snapshot = await tx.draftSnapshot.create({
    data: { resourceId: args.resourceId, name, draft: JSON.stringify(current), createdByEmail: actor.email },
    select: { id: true },
  });
  await tx.mcpResource.update({ where: { id: args.resourceId }, data: { draft: JSON.stringify(args.target) } });
  await writeAudit(tx, {
    actor,
    action: "resource.draft_reset",
    targetType: "resource",
    targetId: args.resourceId,
    before: null,
    after: { toVersion: args.toVersion, snapshotId: snapshot.id, snapshotName: name },
    ctx,
  });
  return name;
}
