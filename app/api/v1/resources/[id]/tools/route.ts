import { UpdateToolsInput } from "@/lib/schemas/resources";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { updateResourceTools } from "@/lib/server/resources/update-draft";

const Body = UpdateToolsInput.omit({ id: true });

/** Replace the tool allowlist and the default for unlisted tools. Up to 5000 tools, so a larger body cap. */
export const PUT = withAdmin<{ id: string }>("resources.write", async (request, { actor, req, params }) => {
  const input = await readJson(request, Body, 2 * 1024 * 1024);
  return json({ resource: await updateResourceTools(actor, { id: params.id, ...input }, req) });
});
