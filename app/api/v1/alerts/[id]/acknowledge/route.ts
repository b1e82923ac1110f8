import { AlertAcknowledge } from "@/lib/schemas/alerts";
import { acknowledgeAlert } from "@/lib/server/alerts/alerts";
import { json, readJson, withAdmin } from "@/lib/server/api";

/** Acknowledge a firing alert (who, when, note): stops re-notification; audited. Body: { "note"?: string }. */
export const POST = withAdmin<{ id: string }>("alerts.write", async (request, { actor, req, params }) => {
  const { note } = await readJson(request, AlertAcknowledge, 4096);
  return json({ alert: await acknowledgeAlert(actor, params.id, note, req) });
});
