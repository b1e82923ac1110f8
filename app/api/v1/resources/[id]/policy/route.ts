import { UpdatePolicyInput } from "@/lib/schemas/resources";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { updateResourcePolicy } from "@/lib/server/resources/update-draft";

const Body = UpdatePolicyInput.omit({ id: true });

/** Replace scopes, the method → scopes mapping and rate limits of the draft. */
export const PUT = withAdmin<{ id: string }>("resources.write", async (request, { actor, req, params }) => {
  const input = await readJson(request, Body, 256 * 1024);
  return json({ resource: await updateResourcePolicy(actor, { id: params.id, ...input }, req) });
});
