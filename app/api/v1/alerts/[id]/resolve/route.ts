import { resolveAlert } from "@/lib/server/alerts/alerts";
import { json, withAdmin } from "@/lib/server/api";

/** Resolve an alert by hand (notifies its channels like an automatic resolution); audited. */
export const POST = withAdmin<{ id: string }>("alerts.write", async (_request, { actor, req, params }) =>
  json({ alert: await resolveAlert(actor, params.id, req) }),
);
