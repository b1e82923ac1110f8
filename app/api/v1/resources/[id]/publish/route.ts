import { PublishBody } from "@/lib/schemas/config";
import { json, withAdmin } from "@/lib/server/api";
import { publishDraft } from "@/lib/server/config/publish";
import { readOptionalJson } from "@/lib/server/enforcers/read-body";

/** Publish the resource's draft as the next signed config version. Body (optional): `{ "note": "…" }`. */
export const POST = withAdmin<{ id: string }>("config.publish", async (request, { actor, req, params }) => {
  const body = await readOptionalJson(request, PublishBody);
  const version = await publishDraft(actor, { resourceId: params.id, ...body }, req);
  return json({ version }, { status: 201 });
});
