import "server-only";
import { ConfigBundle, type EnforcerPolicy } from "@/lib/enforcer/policy";
import type { PublishInput, RollbackInput } from "@/lib/schemas/config";
import type { ResourceDraft } from "@/lib/schemas/resources";
import { writeAudit } from "../audit";
import type { Actor } from "../auth/session";
import { db, type Tx } from "../db";
import { notifyInTransaction, notifyLocally } from "../enforcers/notifier";
import { isPostgres } from "../env";
import { isUniqueViolation } from "../errors";
import type { RequestContext } from "../request-context";
import { parseDraft } from "../resources/dto";
import { validatePolicy } from "./build-policy";
import { loadDraftPolicy } from "./draft-policy";
import { assertNotArchived, clearImportMarks, currentDraft, publishablePolicy, storedDraftOf } from "./publish-guard";
import { draftOfVersion, resetDraftForRollback } from "./rollback-draft";
import { signBundle } from "./sign-bundle";
import { type ActiveSigningKey, getActiveSigningKey } from "./signing-key";
import { type ConfigVersionDto, getConfigVersion } from "./versions";

/**
 * Publishing freezes a policy into an immutable, numbered, signed ConfigVersion, audits it and wakes
 * the long-polls. Version numbers come from `max + 1` under a per-resource lock (PostgreSQL advisory
 * lock; SQLite has a single writer) with the (resourceId, version) unique constraint as the backstop.
 */
export interface Commit {
  resourceId: string;
  note: string;
  rolledBackFrom: number | null;
  policyFor: (tx: Tx) => Promise<EnforcerPolicy>;
  /** The draft JSON stored with the version, so a rollback can restore it (issue 13 #4). */
  draftFor?: (tx: Tx) => Promise<string>;
  /** Runs in the version's transaction after it is written (a rollback resets the draft here). */
  afterWrite?: (tx: Tx, version: number) => Promise<void>;
}

async function lockResource(tx: Tx, resourceId: string): Promise<void> {
  if (isPostgres()) await tx.$executeRaw`SELECT pg_advisory_xact_lock(727350103, hashtext(${resourceId}))`;
}

/**
 * Write the next version inside the caller's transaction. `audit: false` when the caller audits the whole
 * change (configuration as code: one change set). The caller calls notifyLocally after the commit.
 */
export async function writeVersionInTransaction(
  tx: Tx,
  actor: Actor,
  commit: Commit,
  key: ActiveSigningKey,
  ctx: RequestContext,
  opts: { audit: boolean } = { audit: true },
) {
  await lockResource(tx, commit.resourceId);
  const policy = await commit.policyFor(tx);
  const last = await tx.configVersion.findFirst({
    where: { resourceId: commit.resourceId },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  const version = (last?.version ?? 0) + 1;
  const bundle = ConfigBundle.parse({
    version,
    resourceId: commit.resourceId,
    publishedAt: new Date().toISOString(),
    publishedBy: actor.email,
    policy,
  });
  const signed = await signBundle(bundle, key);
  const draft = commit.draftFor ? await commit.draftFor(tx) : null;
  const created = await tx.configVersion.create({
    data: {
      resourceId: commit.resourceId,
      version,
      bundle: JSON.stringify(bundle),
      jws: signed.jws,
      etag: signed.etag,
      kid: signed.kid,
      publishedById: actor.id,
      publishedByEmail: actor.email,
      note: commit.note,
      rolledBackFrom: commit.rolledBackFrom,
      draft,
    },
    select: {
      version: true,
      etag: true,
      kid: true,
      publishedAt: true,
      publishedByEmail: true,
      note: true,
      rolledBackFrom: true,
    },
  });
  const rollback = commit.rolledBackFrom !== null;
  if (opts.audit)
    await writeAudit(tx, {
      actor,
      action: rollback ? "config.rolled_back" : "config.published",
      targetType: "resource",
      targetId: commit.resourceId,
      before: last ? { version: last.version } : null,
      after: {
        version,
        note: commit.note,
        kid: signed.kid,
        etag: signed.etag,
        ...(rollback ? { rolledBackFrom: commit.rolledBackFrom } : {}),
      },
      ctx,
    });
  await commit.afterWrite?.(tx, version);
  await notifyInTransaction(tx, commit.resourceId);
  return created;
}

/** Sign and store the next version in its own transaction (retried on a version-number race), then wake the polls. */
export async function commitVersion(actor: Actor, commit: Commit, ctx: RequestContext): Promise<ConfigVersionDto> {
  // Read the key before the transaction: the transaction must not wait on another connection.
  const key: ActiveSigningKey = await getActiveSigningKey();
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db().$transaction((tx) => writeVersionInTransaction(tx, actor, commit, key, ctx));
      notifyLocally(commit.resourceId);
      return { ...row, publishedAt: row.publishedAt.toISOString() };
    } catch (err) {
      // Two publishes raced past the lock (SQLite across processes): take the next number.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

/**
 * Publish the resource's current draft as the next version, unguarded (tests, seeds, benchmarks). Admins publish
 * through {@link publishDraft}, which refuses an unchanged draft and asks to confirm a risky one.
 */
export async function publishConfig(actor: Actor, input: PublishInput, ctx: RequestContext): Promise<ConfigVersionDto> {
  return commitVersion(
    actor,
    {
      resourceId: input.resourceId,
      note: input.note,
      rolledBackFrom: null,
      policyFor: (tx) => loadDraftPolicy(tx, input.resourceId),
      draftFor: (tx) => currentDraft(tx, input.resourceId),
    },
    ctx,
  );
}

/** What the Publish button and `POST /api/v1/resources/{id}/publish` do (issue 13 #5 guardrails). */
export async function publishDraft(actor: Actor, input: PublishInput, ctx: RequestContext): Promise<ConfigVersionDto> {
  return commitVersion(
    actor,
    {
      resourceId: input.resourceId,
      note: input.note,
      rolledBackFrom: null,
      policyFor: (tx) => publishablePolicy(tx, input.resourceId, { confirmed: input.confirm === true }),
      draftFor: (tx) => currentDraft(tx, input.resourceId),
      afterWrite: (tx) => clearImportMarks(tx, input.resourceId),
    },
    ctx,
  );
}

/** Roll back: publish an old version's policy, unchanged, as a new version (history stays append-only). */
export async function rollbackConfig(
  actor: Actor,
  input: RollbackInput,
  ctx: RequestContext,
): Promise<ConfigVersionDto & { draftSnapshot: string | null }> {
  const old = await getConfigVersion(input.resourceId, input.version);
  const oldDraft = await storedDraftOf(input.resourceId, input.version);
  let target: ResourceDraft | undefined;
  let draftSnapshot: string | null = null;
  const version = await commitVersion(
    actor,
    {
      resourceId: input.resourceId,
      note: input.note || `Rollback to version ${input.version}`,
      rolledBackFrom: input.version,
      // Re-validated: the old policy must still pass today's schema before it is signed again.
      policyFor: async (tx) => {
        await assertNotArchived(tx, input.resourceId);
        return validatePolicy(old.bundle.policy, input.resourceId);
      },
      // Issue 13 #4: the draft becomes the rolled-back version's; the one it replaces is kept as a snapshot.
      draftFor: async (tx) => {
        target = draftOfVersion(oldDraft, old.bundle.policy, parseDraft(await currentDraft(tx, input.resourceId)));
        return JSON.stringify(target);
      },
      afterWrite: async (tx, newVersion) => {
        if (!target) return;
        draftSnapshot = await resetDraftForRollback(
          tx,
          actor,
          { resourceId: input.resourceId, target, toVersion: input.version, newVersion },
          ctx,
        );
      },
    },
    ctx,
  );
  return { ...version, draftSnapshot };
}
