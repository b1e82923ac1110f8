import { EventFilter } from "@/lib/schemas/telemetry";
import { withAdmin } from "@/lib/server/api";
import { exportEventsCsv, MAX_EXPORT_ROWS } from "@/lib/server/telemetry/events-query";

export const dynamic = "force-dynamic";

/** CSV export of the filtered events (same filters as GET /api/v1/events), streamed, at most 100,000 rows. */
export const GET = withAdmin("telemetry.read", async (request) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filter = EventFilter.parse({ ...params, cursor: undefined });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  return new Response(exportEventsCsv(filter), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="portcullis-events-${stamp}.csv"`,
      "cache-control": "no-store",
      "x-export-max-rows": String(MAX_EXPORT_ROWS),
    },
  });
});
