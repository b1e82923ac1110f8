import "server-only";
import { db } from "../db";
import { draftStatusOf } from "./draft-status";
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
        idpProfile: { select: { name: true, kind: true } },
      },
      orderBy: [{ name: "asc" }],
    }),
    db().configVersion.groupBy({ by: ["resourceId"], _max: { version: true, publishedAt: true } }),
  ]);
  const latest = new Map(versions.map((v) => [v.resourceId, v._max]));
  return rows.map((r) => {
    const v = latest.get(r.id);
    const status = draftStatusOf(
      r.updatedAt,
      v?.version != null && v.publishedAt != null ? { version: v.version, publishedAt: v.publishedAt } : null,
    );
    return {
      id: r.id,
      name: r.name,
      uri: r.uri,
      idpProfileId: r.idpProfileId,
      idpProfileName: r.idpProfile.name,
      idpKind: r.idpProfile.kind,
      toolCount: parseDraft(r.draft).tools.length,
      ...status,
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}
