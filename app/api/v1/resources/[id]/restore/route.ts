import { json, withAdmin } from "@/lib/server/api";
import { restoreResource } from "@/lib/server/resources/archive";

/** Restore an archived resource (issue 13 #7): publishes its last policy before the archive again. */
export const POST = withAdmin<{ id: string }>("resources.write", async (_request, { actor, req, params }) =>
  json(await restoreResource(actor, { id: params.id }, req)),
);
