import { DiffQuery } from "@/lib/schemas/config";
import { json, withAdmin } from "@/lib/server/api";
import { diffConfigVersions } from "@/lib/server/config/versions";

/** `?from=<n>&to=<m>`: the changes between two versions' policies (added/removed/changed paths). */
export const GET = withAdmin<{ id: string }>("resources.read", async (request, { params }) => {
  const url = new URL(request.url);
  const { from, to } = DiffQuery.parse({ from: url.searchParams.get("from"), to: url.searchParams.get("to") });
  return json(await diffConfigVersions(params.id, from, to));
});
