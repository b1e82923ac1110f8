import { sendTestNotification } from "@/lib/server/alerts/send-test";
import { json, withAdmin } from "@/lib/server/api";

/** Send a sample notification through the channel now; answers the delivery's outcome. */
export const POST = withAdmin<{ id: string }>("alerts.write", async (_request, { actor, req, params }) =>
  json({ delivery: await sendTestNotification(actor, params.id, req) }),
);
