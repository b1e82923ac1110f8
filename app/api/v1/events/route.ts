import { EventFilter } from "@/lib/schemas/telemetry";
import { json, withAdmin } from "@/lib/server/api";
import { listEvents } from "@/lib/server/telemetry/events-query";

export const dynamic = "force-dynamic";

/** Raw telemetry events, newest first: `?resource&type&outcome&reason&client&subject&tool&range&from&to&cursor`. */
export const GET = withAdmin("telemetry.read", async (request) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return json(await listEvents(EventFilter.parse(params)));
});
