import "server-only";
import { z } from "zod";
import type { Actor } from "../auth/session";
import { publishDraft } from "../config/publish";
import { db } from "../db";
import { AppError } from "../errors";
import type { RequestContext } from "../request-context";
import { contentChanged } from "../resources/draft-status";

/**
 * Issue 13 #5: an IdP profile's settings are published with each resource that uses it, so editing the profile
 * leaves those resources' live bundles behind. The profile page names them ("N resources need republishing") and
 * republishes them in one action.
 */
export interface StaleResource {
  id: string;
  name: string;
  latestVersion: number;
}

export const RepublishInput = z.object({ profileId: z.string().trim().min(1).max(100) });
export type RepublishInput = z.infer<typeof RepublishInput>;

/** Published, active resources of the profile whose draft (profile included) differs from their live version. */
export async function resourcesNeedingRepublish(profileId: string): Promise<StaleResource[]> {
  const rows = await db().mcpResource.findMany({
    where: { idpProfileId: profileId, archivedAt: null },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      uri: true,
      draft: true,
      idpProfile: {
        select: {
          name: true,
          kind: true,
          issuers: true,
          jwksUri: true,
          discoveryUrl: true,
          algorithms: true,
          requireTokenType: true,
          settings: true,
        },
      },
      versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, bundle: true } },
    },
  });
  return rows.flatMap((r) => {
    const latest = r.versions[0];
    if (!latest) return [];
    const source = { resource: { id: r.id, name: r.name, uri: r.uri }, idp: r.idpProfile, draft: r.draft };
    return contentChanged(source, latest.bundle) ? [{ id: r.id, name: r.name, latestVersion: latest.version }] : [];
  });
}

export interface RepublishResult {
  name: string;
  version?: number;
  error?: string;
}

/** Publish every stale resource of the profile (each its own version and audit row); reports each outcome. */
export async function republishProfileResources(
  actor: Actor,
  input: RepublishInput,
  ctx: RequestContext,
): Promise<RepublishResult[]> {
  const profile = await db().idpProfile.findUnique({ where: { id: input.profileId }, select: { name: true } });
  if (!profile) throw new AppError("not_found", "No such IdP profile.");
  const results: RepublishResult[] = [];
  for (const r of await resourcesNeedingRepublish(input.profileId)) {
    try {
      // The admin asked for exactly this: the risk confirmation is the click on the named list.
      const v = await publishDraft(
        actor,
        { resourceId: r.id, note: `Republished after IdP profile "${profile.name}" changed`, confirm: true },
        ctx,
      );
      results.push({ name: r.name, version: v.version });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ name: r.name, error: err.message });
    }
  }
  return results;
}
