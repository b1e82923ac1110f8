import { CreateResourceInput } from "@/lib/schemas/resources";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { listResources } from "@/lib/server/resources/list-resources";
import { createResource } from "@/lib/server/resources/save-resource";

/** MCP resources REST API (automation): the same data functions and checks as the dashboard. */
export const GET = withAdmin("resources.read", async () => json({ resources: await listResources() }));

export const POST = withAdmin("resources.write", async (request, { actor, req }) => {
  const input = await readJson(request, CreateResourceInput);
  return json({ resource: await createResource(actor, input, req) }, { status: 201 });
});
