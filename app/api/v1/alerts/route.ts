import { AlertListQuery } from "@/lib/schemas/alerts";
import { listAlerts } from "@/lib/server/alerts/alerts";
import { json, withAdmin } from "@/lib/server/api";

/** Alerts, newest first: ?state=open|pending|firing|acknowledged|resolved&kind=&ruleId=&resourceId=&from=&to=&limit= */
export const GET = withAdmin("alerts.read", async (request) => {
  const query = AlertListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ alerts: await listAlerts(query) });
});
