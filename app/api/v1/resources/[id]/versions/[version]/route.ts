import { json, withAdmin } from "@/lib/server/api";
import { getConfigVersion, parseVersionParam } from "@/lib/server/config/versions";

/** One version with its bundle (the signed payload, as JSON). */
export const GET = withAdmin<{ id: string; version: string }>("resources.read", async (_request, { params }) =>
  json({ version: await getConfigVersion(params.id, parseVersionParam(params.version)) }),
);
