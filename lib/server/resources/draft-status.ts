import "server-only";
import { ConfigBundle, type EnforcerPolicy } from "@/lib/enforcer/policy";
import { buildPolicy, type PublishSource } from "../config/build-policy";
import { type DiffEntry, diffJson } from "../config/diff";
import { loadDraftPolicy } from "../config/draft-policy";
import { db } from "../db";
import { AppError } from "../errors";
import type { DraftStatus } from "./types";

/**
 * Issue 13 #4: whether the draft would publish something other than the live version, by content (the policy the
 * draft builds, IdP profile included, against the latest bundle's policy), never by timestamps: after a rollback the
 * draft equals the live version again, and an edit that is undone again is no change.
 */
export async function getDraftStatus(resourceId: string): Promise<DraftStatus> {
  const latest = await db().configVersion.findFirst({
    where: { resourceId },
    orderBy: { version: "desc" },
    select: { version: true, publishedAt: true, bundle: true },
  });
  const { changes, problem } = await draftChanges(resourceId, latest?.bundle ?? null);
  return {
    latestVersion: latest?.version ?? null,
    latestPublishedAt: latest?.publishedAt.toISOString() ?? null,
    hasUnpublishedChanges: latest === null || changes === null || changes.length > 0,
    changeCount: changes?.length ?? null,
    ...(problem ? { draftProblem: problem } : {}),
  };
}

/** The policy changes from the latest bundle to the draft; null (with the reason) when the draft cannot be built. */
export async function draftChanges(
  resourceId: string,
  latestBundle: string | null,
): Promise<{ changes: DiffEntry[] | null; draft: EnforcerPolicy | null; problem?: string }> {
  let draft: EnforcerPolicy;
  try {
    draft = await loadDraftPolicy(db(), resourceId);
  } catch (err) {
    if (err instanceof AppError && err.code === "invalid_input")
      return { changes: null, draft: null, problem: err.message };
    throw err;
  }
  if (latestBundle === null) return { changes: diffJson({}, draft), draft };
  const published = ConfigBundle.safeParse(safeJson(latestBundle));
  if (!published.success) return { changes: null, draft, problem: "The latest version cannot be read." };
  return { changes: diffJson(published.data.policy, draft), draft };
}

/** History's "to the draft" comparison: version `from` against what the draft would publish. */
export async function diffVersionToDraft(resourceId: string, from: number): Promise<{ changes: DiffEntry[] }> {
  const row = await db().configVersion.findUnique({
    where: { resourceId_version: { resourceId, version: from } },
    select: { bundle: true },
  });
  if (!row) throw new AppError("not_found", `Version ${from} of this resource does not exist.`);
  const { changes, problem } = await draftChanges(resourceId, row.bundle);
  if (!changes) throw new AppError("invalid_input", `The draft cannot be compared: ${problem ?? "it does not build"}`);
  return { changes };
}

/** The same comparison for a list page, from rows already loaded (no query per resource). */
export function contentChanged(source: PublishSource, latestBundle: string | null): boolean {
  if (latestBundle === null) return true;
  const published = ConfigBundle.safeParse(safeJson(latestBundle));
  if (!published.success) return true;
  try {
    return diffJson(published.data.policy, buildPolicy(source)).length > 0;
  } catch {
    return true; // a draft that cannot be published differs from whatever is live
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
