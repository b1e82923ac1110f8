import { AuditSinkCreate } from "@/lib/schemas/audit-sinks";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { createSink, listSinks } from "@/lib/server/audit-stream/sinks";

/** Audit streaming sinks with their delivery status. A webhook's signing secret is in the create answer only. */
export const GET = withAdmin("audit.read", async () => json({ sinks: await listSinks() }));

export const POST = withAdmin("audit.stream", async (request, { actor, req }) => {
  const input = await readJson(request, AuditSinkCreate);
  return json(await createSink(actor, input, req), { status: 201 });
});
