import { json, withAdmin } from "@/lib/server/api";
import { archiveResource } from "@/lib/server/resources/archive";

/** Archive (issue 13 #7): publishes a bundle that makes every enforcer refuse all requests (`resource_archived`). */
export const POST = withAdmin<{ id: string }>("resources.write", async (_request, { actor, req, params }) =>
  json(await archiveResource(actor, { id: params.id }, req)),
);
