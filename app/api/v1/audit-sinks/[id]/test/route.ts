import { json, withAdmin } from "@/lib/server/api";
import { sendTestEvent } from "@/lib/server/audit-stream/send-test";

/** Send one `test` event through the sink now; answers whether the receiver accepted it. */
export const POST = withAdmin<{ id: string }>("audit.stream", async (_request, { actor, req, params }) =>
  json({ result: await sendTestEvent(actor, params.id, req) }),
);
