import { AlertRuleUpdate } from "@/lib/schemas/alerts";
import { deleteRule, getRule, updateRule } from "@/lib/server/alerts/rules";
import { json, readJson, withAdmin } from "@/lib/server/api";

type Params = { id: string };

export const GET = withAdmin<Params>("alerts.read", async (_request, { params }) =>
  json({ rule: await getRule(params.id) }),
);

/** Change threshold, window, pending/resolve/re-notify times, severity, enabled, channels. */
export const PATCH = withAdmin<Params>("alerts.write", async (request, { actor, req, params }) => {
  const input = await readJson(request, AlertRuleUpdate);
  return json({ rule: await updateRule(actor, params.id, input, req) });
});

export const DELETE = withAdmin<Params>("alerts.write", async (_request, { actor, req, params }) => {
  await deleteRule(actor, params.id, req);
  return new Response(null, { status: 204 });
});
