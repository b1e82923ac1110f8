import { AuditSinkUpdate } from "@/lib/schemas/audit-sinks";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { deleteSink, getSink, updateSink } from "@/lib/server/audit-stream/sinks";

type Params = { id: string };

export const GET = withAdmin<Params>("audit.read", async (_request, { params }) =>
  json({ sink: await getSink(params.id) }),
);

export const PATCH = withAdmin<Params>("audit.stream", async (request, { actor, req, params }) => {
  const input = await readJson(request, AuditSinkUpdate);
  return json({ sink: await updateSink(actor, params.id, input, req) });
});

export const DELETE = withAdmin<Params>("audit.stream", async (_request, { actor, req, params }) => {
  await deleteSink(actor, params.id, req);
  return new Response(null, { status: 204 });
});
