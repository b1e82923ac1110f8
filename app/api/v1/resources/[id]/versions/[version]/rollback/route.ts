import { RollbackBody } from "@/lib/schemas/config";
import { json, withAdmin } from "@/lib/server/api";
import { rollbackConfig } from "@/lib/server/config/publish";
import { parseVersionParam } from "@/lib/server/config/versions";
import { readOptionalJson } from "@/lib/server/enforcers/read-body";

/** Roll back to a version: its policy is published again as a new version. Body (optional): `{ "note": "…" }`. */
export const POST = withAdmin<{ id: string; version: string }>(
  "config.publish",
  async (request, { actor, req, params }) => {
    const body = await readOptionalJson(request, RollbackBody);
    const version = parseVersionParam(params.version);
    const created = await rollbackConfig(actor, { resourceId: params.id, version, ...body }, req);
    return json({ version: created }, { status: 201 });
  },
);
