import { ConfigApplyBody } from "@/lib/schemas/config-document";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { CHANGE_PERMISSIONS, requirePermissions } from "@/lib/server/config-as-code/access";
import { applyConfig } from "@/lib/server/config-as-code/apply";
import { parseConfigDocument } from "@/lib/server/config-as-code/parse";

export const dynamic = "force-dynamic";
const MAX_BODY = 8 * 1024 * 1024;

/**
 * Apply a document in one transaction, all or nothing, audited as one change set (`config.applied`).
 * Body: `{ "document", "publish"?: boolean, "planId"?: "<from plan>", "note"?: string }`; with `planId` a
 * state that changed since the plan is refused (409).
 */
export const POST = withAdmin("resources.write", async (request, { actor, req }) => {
  await requirePermissions(actor, req, CHANGE_PERMISSIONS);
  const body = await readJson(request, ConfigApplyBody, MAX_BODY);
  if (body.publish) await requirePermissions(actor, req, ["config.publish"]);
  const doc = parseConfigDocument(body.document);
  const { publish, prune, planId, note } = body;
  const result = await applyConfig(actor, doc, { publish, prune, planId, note }, req);
  return json(result);
});
