import { AlertChannelCreate } from "@/lib/schemas/alerts";
import { createChannel, listChannels } from "@/lib/server/alerts/channels";
import { json, readJson, withAdmin } from "@/lib/server/api";

/** Notification channels. A webhook's signing secret is in the create answer only: store it then. */
export const GET = withAdmin("alerts.read", async () => json({ channels: await listChannels() }));

export const POST = withAdmin("alerts.write", async (request, { actor, req }) => {
  const input = await readJson(request, AlertChannelCreate);
  return json(await createChannel(actor, input, req), { status: 201 });
});
