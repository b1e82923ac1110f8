import "server-only";
import { db } from "../db";
import { contentChanged } from "./draft-status";
import { parseDraft } from "./dto";
import type { ResourceListItem } from "./types";

export async function listResources(): Promise<ResourceListItem[]> {
  const [rows, versions] = await Promise.all([
    db().mcpResource.findMany({
      select: {
        id: true,
        name: true,
        uri: true,
        idpProfileId: true,
        draft: true,
        updatedAt: true,
        archivedAt: true,
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
      },
      orderBy: [{ name: "asc" }],
    }),
    db().configVersion.groupBy({ by: ["resourceId"], _max: { version: true } }),
  ]);
  const pairs = versions.flatMap((v) =>
    v._max.version != null ? [{ resourceId: v.resourceId, version: v._max.version }] : [],
  );
  const latestRows = pairs.length
    ? await db().configVersion.findMany({
        where: { OR: pairs },
        select: { resourceId: true, version: true, publishedAt: true, bundle: true },
      })
    : [];
  const latest = new Map(latestRows.map((v) => [v.resourceId, v]));
  return rows.map((r) => {
    const v = latest.get(r.id);
    // Issue 13 #4: by content, as on the resource's own page.
    const changed = contentChanged(
      { resource: { id: r.id, name: r.name, uri: r.uri }, idp: r.idpProfile, draft: r.draft },
      v?.bundle ?? null,
    );
    return {
      id: r.id,
      name: r.name,
      uri: r.uri,
      idpProfileId: r.idpProfileId,
      idpProfileName: r.idpProfile.name,
      idpKind: r.idpProfile.kind,
      toolCount: parseDraft(r.draft).tools.length,
      latestVersion: v?.version ?? null,
      latestPublishedAt: v?.publishedAt.toISOString() ?? null,
      hasUnpublishedChanges: changed,
      archivedAt: r.archivedAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}
