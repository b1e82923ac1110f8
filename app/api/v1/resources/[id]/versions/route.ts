import { json, withAdmin } from "@/lib/server/api";
import { listConfigVersions } from "@/lib/server/config/versions";

/** Published config versions of a resource, newest first. */
export const GET = withAdmin<{ id: string }>("resources.read", async (_request, { params }) =>
  json({ versions: await listConfigVersions(params.id) }),
);
