import { ConfigPlanBody } from "@/lib/schemas/config-document";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { CHANGE_PERMISSIONS, requirePermissions } from "@/lib/server/config-as-code/access";
import { parseConfigDocument } from "@/lib/server/config-as-code/parse";
import { planConfig } from "@/lib/server/config-as-code/plan";

export const dynamic = "force-dynamic";
const MAX_BODY = 8 * 1024 * 1024;

/**
 * The exact changes applying a document would make (create, update, delete, publish per object, with field
 * diffs). Changes nothing. Body: `{ "document": "<YAML or JSON text>" | {…}, "publish"?: boolean, "prune"?: boolean }`.
 */
export const POST = withAdmin("resources.write", async (request, { actor, req }) => {
  await requirePermissions(actor, req, CHANGE_PERMISSIONS);
  const body = await readJson(request, ConfigPlanBody, MAX_BODY);
  const plan = await planConfig(parseConfigDocument(body.document), { publish: body.publish, prune: body.prune });
  return json(plan);
});
