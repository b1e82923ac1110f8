import "server-only";
import { randomUUID } from "node:crypto";
import type { ConfigDocument } from "@/lib/schemas/config-document";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { validatePolicy } from "../config/build-policy";
import { loadDraftPolicy } from "../config/draft-policy";
import { writeVersionInTransaction } from "../config/publish";
import { type ActiveSigningKey, getActiveSigningKey } from "../config/signing-key";
import { db, type Tx } from "../db";
import { notifyLocally } from "../enforcers/notifier";
import { AppError, toAppError } from "../errors";
import { columnsFor } from "../idp-profiles/save-idp-profile";
import type { RequestContext } from "../request-context";
import { archivedPolicy, latestPolicy } from "../resources/archive";
import { type DesiredState, desiredStateOf } from "./desired";
import { type ConfigPlan, type PlanChange, planOf } from "./plan";
import { type CurrentState, readState } from "./state";

/**
 * Apply: the plan, recomputed inside one transaction against the state it changes, written all or nothing
 * and audited as one change set (`config.applied`, with every change and its field diffs). With `publish`,
 * the plan's publishes are signed and stored in the same transaction, so enforcers never see half of it.
 * Applying the same document again finds nothing to change and writes nothing (no audit row either).
 */
export interface ApplyResult extends ConfigPlan {
  applied: boolean;
  changeSetId: string | null;
  published: { resource: string; version: number }[];
}

// Every audit append signs a checkpoint; a large change set outlasts Prisma's 5 s default.
const TX_OPTIONS = { timeout: 120_000, maxWait: 15_000 };

async function applyIdps(
  tx: Tx,
  state: CurrentState,
  desired: DesiredState,
  plan: PlanChange[],
): Promise<Map<string, string>> {
  const ids = new Map([...state.idps].map(([name, i]) => [name, i.id]));
  for (const c of plan.filter((p) => p.type === "idp_profile" && p.action !== "delete")) {
    const view = desired.idps?.get(c.name);
    if (!view) continue;
    const data = columnsFor(CreateIdpProfileInput.parse(view));
    const before = state.idps.get(c.name);
    if (!before) {
      const row = await tx.idpProfile.create({ data, select: { id: true } });
      ids.set(c.name, row.id);
      continue;
    }
    const used = await tx.mcpResource.count({ where: { idpProfileId: before.id } });
    if (before.kind !== data.kind && used > 0)
      throw new AppError(
        "conflict",
        `Resources use IdP profile ${c.name}: its kind cannot change. Create a new profile.`,
      );
    // As the dashboard does: a test result says nothing about new endpoints; a discovered JWKS URI is kept.
    const endpointsChanged =
      data.issuers !== before.issuers ||
      data.discoveryUrl !== before.discoveryUrl ||
      (data.jwksUri !== before.jwksUri && data.jwksUri !== "");
    const jwksUri = data.jwksUri === "" && !endpointsChanged ? before.jwksUri : data.jwksUri;
    await tx.idpProfile.update({
      where: { id: before.id },
      data: {
        ...data,
        jwksUri,
        ...(endpointsChanged ? { lastTestAt: null, lastTestOk: null, lastTestResult: null } : {}),
      },
    });
  }
  return ids;
}

async function applyResources(
  tx: Tx,
  state: CurrentState,
  desired: DesiredState,
  plan: PlanChange[],
  idpIds: Map<string, string>,
) {
  const ids = new Map([...state.resources].map(([name, r]) => [name, r.id]));
  for (const c of plan.filter((p) => p.type === "resource" && (p.action === "create" || p.action === "update"))) {
    const want = desired.resources?.get(c.name);
    const idpProfileId = want ? idpIds.get(want.view.idpProfile) : undefined;
    if (!want || !idpProfileId) throw new AppError("conflict", `Resource ${c.name}: its IdP profile is missing.`);
    const data = { name: c.name, uri: want.view.uri, idpProfileId, draft: JSON.stringify(want.draft) };
    const before = state.resources.get(c.name);
    if (before) await tx.mcpResource.update({ where: { id: before.id }, data });
    else ids.set(c.name, (await tx.mcpResource.create({ data, select: { id: true } })).id);
  }
  return ids;
}

async function applyRules(
  tx: Tx,
  state: CurrentState,
  desired: DesiredState,
  plan: PlanChange[],
  resourceIds: Map<string, string>,
) {
  const channelIds = new Map([...state.channels].map(([name, c]) => [name, c.id]));
  for (const c of plan.filter((p) => p.type === "alert_rule")) {
    const before = state.rules.get(c.name);
    if (c.action === "delete") {
      if (before) await tx.alertRule.delete({ where: { id: before.id } });
      continue;
    }
    const want = desired.rules?.get(c.name);
    if (!want) continue;
    const { resource, reason, channels, ...fields } = want;
    const data = {
      ...fields,
      reason: reason ?? "",
      resourceId: resource ? (resourceIds.get(resource) ?? "") : "",
      channelIds: JSON.stringify(channels.map((n) => channelIds.get(n) ?? "")),
    };
    if (before) await tx.alertRule.update({ where: { id: before.id }, data });
    else await tx.alertRule.create({ data });
  }
  for (const c of plan.filter((p) => p.type === "alert_channel" && p.action === "update")) {
    const want = desired.channels?.get(c.name);
    const id = channelIds.get(c.name);
    if (want && id)
      await tx.alertChannel.update({
        where: { id },
        data: { minSeverity: want.minSeverity, template: want.template, enabled: want.enabled },
      });
  }
}

/**
 * Issue 13 #7's archive, inside this transaction: the live policy made deny-all is published (when anything
 * was ever published) and the resource marked archived. Deleting it stays a dashboard step (typed name).
 */
async function archiveResources(
  tx: Tx,
  actor: Actor,
  state: CurrentState,
  plan: PlanChange[],
  key: ActiveSigningKey,
  ctx: RequestContext,
): Promise<string[]> {
  const ids: string[] = [];
  for (const c of plan.filter((p) => p.type === "resource" && p.action === "archive")) {
    const id = state.resources.get(c.name)?.id;
    if (!id) continue;
    const live = await latestPolicy(tx, id, true);
    if (live) {
      const policyFor = async () => validatePolicy(archivedPolicy(live.policy), id);
      const commit = {
        resourceId: id,
        note: "Archived: left out of the configuration document",
        rolledBackFrom: null,
        policyFor,
      };
      await writeVersionInTransaction(tx, actor, commit, key, ctx, { audit: false });
    }
    await tx.mcpResource.update({ where: { id }, data: { archivedAt: new Date(), archivedByEmail: actor.email } });
    ids.push(id);
  }
  return ids;
}

export async function applyConfig(
  actor: Actor,
  doc: ConfigDocument,
  opts: { publish: boolean; prune?: boolean; planId?: string; note?: string },
  ctx: RequestContext,
): Promise<ApplyResult> {
  // Read before the transaction (it must not wait on another connection): publishes and archives sign with it.
  const key = await getActiveSigningKey();
  const changeSetId = randomUUID();
  const result = await db().$transaction(async (tx) => {
    const state = await readState(tx);
    const prune = opts.prune ?? true;
    const desired = desiredStateOf(doc, state, prune);
    const plan = planOf(state, desired, { publish: opts.publish, prune });
    if (opts.planId && opts.planId !== plan.planId)
      throw new AppError("conflict", "The configuration or the document changed since this plan was made: plan again.");
    if (plan.changes.length === 0) return { ...plan, applied: false, changeSetId: null, published: [] };
    const idpIds = await applyIdps(tx, state, desired, plan.changes);
    const resourceIds = await applyResources(tx, state, desired, plan.changes, idpIds);
    for (const c of plan.changes.filter((p) => p.type === "idp_profile" && p.action === "delete")) {
      const id = idpIds.get(c.name);
      if (id) await tx.idpProfile.delete({ where: { id } });
    }
    await applyRules(tx, state, desired, plan.changes, resourceIds);
    const archived = await archiveResources(tx, actor, state, plan.changes, key, ctx);
    const published: ApplyResult["published"] = [];
    for (const c of plan.changes.filter((p) => p.action === "publish")) {
      const resourceId = resourceIds.get(c.name);
      if (!resourceId) continue;
      const note = opts.note || `Configuration as code (change set ${changeSetId.slice(0, 8)})`;
      const commit = { resourceId, note, rolledBackFrom: null, policyFor: (t: Tx) => loadDraftPolicy(t, resourceId) };
      const row = await writeVersionInTransaction(tx, actor, commit, key, ctx, { audit: false }).catch((err) => {
        const e = toAppError(err);
        if (e.code === "internal") throw err;
        // Everything before is rolled back with it; say which resource could not be published, and why.
        throw new AppError(e.code, `Resource ${c.name} cannot be published, nothing was applied: ${e.message}`, {
          fieldErrors: e.fieldErrors,
        });
      });
      published.push({ resource: c.name, version: row.version });
    }
    await writeAudit(tx, {
      actor,
      action: "config.applied",
      targetType: "config",
      targetId: changeSetId,
      after: {
        changeSetId,
        planId: plan.planId,
        note: opts.note ?? "",
        summary: plan.summary,
        changes: plan.changes,
        published,
      },
      ctx,
    });
    const wake = [...archived, ...published.map((p) => resourceIds.get(p.resource) ?? "")].filter(Boolean);
    return { ...plan, applied: true, changeSetId, published, wake };
  }, TX_OPTIONS);
  if ("wake" in result) for (const id of result.wake) notifyLocally(id);
  const { wake: _wake, ...out } = result as ApplyResult & { wake?: unknown };
  return out;
}
