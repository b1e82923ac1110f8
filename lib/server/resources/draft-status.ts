import "server-only";
import { db } from "../db";
import type { DraftStatus } from "./types";

/**
 * Whether the draft changed since the last publish: McpResource.updatedAt later than the latest
 * ConfigVersion.publishedAt, or never published. Reads ConfigVersion directly (it may be empty).
 */
export async function getDraftStatus(resourceId: string): Promise<DraftStatus> {
  const [resource, latest] = await Promise.all([
    db().mcpResource.findUnique({ where: { id: resourceId }, select: { updatedAt: true } }),
    db().configVersion.findFirst({
      where: { resourceId },
      orderBy: { version: "desc" },
      select: { version: true, publishedAt: true },
    }),
  ]);
  return draftStatusOf(resource?.updatedAt ?? null, latest ?? null);
}

export function draftStatusOf(
  updatedAt: Date | null,
  latest: { version: number; publishedAt: Date } | null,
): DraftStatus {
  return {
    latestVersion: latest?.version ?? null,
    latestPublishedAt: latest?.publishedAt.toISOString() ?? null,
    hasUnpublishedChanges:
      latest === null || (updatedAt !== null && updatedAt.getTime() > latest.publishedAt.getTime()),
  };
}
