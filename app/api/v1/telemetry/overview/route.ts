import { OverviewQuery } from "@/lib/schemas/telemetry";
import { json, withAdmin } from "@/lib/server/api";
import { getOverview } from "@/lib/server/telemetry/overview";

export const dynamic = "force-dynamic";

/** Overview dashboard data (KPIs and charts, from rollups): `?range=15m|1h|24h|7d|30d&resource=<id>`. */
export const GET = withAdmin("telemetry.read", async (request) => {
  const input = OverviewQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json(await getOverview({ range: input.range, resourceId: input.resource }));
});
