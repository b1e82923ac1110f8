import { AlertChannelUpdate } from "@/lib/schemas/alerts";
import { deleteChannel, updateChannel } from "@/lib/server/alerts/channels";
import { json, readJson, withAdmin } from "@/lib/server/api";

type Params = { id: string };

export const PATCH = withAdmin<Params>("alerts.write", async (request, { actor, req, params }) => {
  const input = await readJson(request, AlertChannelUpdate);
  return json({ channel: await updateChannel(actor, params.id, input, req) });
});

export const DELETE = withAdmin<Params>("alerts.write", async (_request, { actor, req, params }) => {
  await deleteChannel(actor, params.id, req);
  return new Response(null, { status: 204 });
});
