import { AlertRuleCreate } from "@/lib/schemas/alerts";
import { createRule, listRules } from "@/lib/server/alerts/rules";
import { json, readJson, withAdmin } from "@/lib/server/api";

/** Alert rules: fleet-wide ones (resourceId "") and per-resource overrides. */
export const GET = withAdmin("alerts.read", async () => json({ rules: await listRules() }));

export const POST = withAdmin("alerts.write", async (request, { actor, req }) => {
  const input = await readJson(request, AlertRuleCreate);
  return json({ rule: await createRule(actor, input, req) }, { status: 201 });
});
