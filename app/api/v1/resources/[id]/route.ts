import { CreateResourceInput } from "@/lib/schemas/resources";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { AppError } from "@/lib/server/errors";
import { DeleteResourceInput, deleteResource } from "@/lib/server/resources/archive";
import { getDraftStatus } from "@/lib/server/resources/draft-status";
import { getResource } from "@/lib/server/resources/get-resource";
import { updateResource } from "@/lib/server/resources/save-resource";

type Params = { id: string };

export const GET = withAdmin<Params>("resources.read", async (_request, { params }) => {
  const resource = await getResource(params.id);
  if (!resource) throw new AppError("not_found", "No such resource.");
  return json({ resource, draftStatus: await getDraftStatus(params.id) });
});

/** Replace name, URI, IdP profile and token settings (same body as create); policy and tools are kept. */
export const PUT = withAdmin<Params>("resources.write", async (request, { actor, req, params }) => {
  const input = await readJson(request, CreateResourceInput);
  return json({ resource: await updateResource(actor, { id: params.id, ...input }, req) });
});

/** Delete an archived resource (issue 13 #7). Body: `{ "confirmName": "<the resource's exact name>" }`. */
export const DELETE = withAdmin<Params>("resources.write", async (request, { actor, req, params }) => {
  const body = await readJson(request, DeleteResourceInput.omit({ id: true }), 4 * 1024);
  await deleteResource(actor, { id: params.id, ...body }, req);
  return new Response(null, { status: 204 });
});
