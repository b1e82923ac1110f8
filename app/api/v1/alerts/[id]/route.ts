import { getAlert } from "@/lib/server/alerts/alerts";
import { json, withAdmin } from "@/lib/server/api";

/** One alert with its delivery log (status, attempts, last error per channel and transition). */
export const GET = withAdmin<{ id: string }>("alerts.read", async (_request, { params }) =>
  json(await getAlert(params.id)),
);
