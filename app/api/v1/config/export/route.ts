import { ExportQuery } from "@/lib/schemas/config-document";
import { withAdmin } from "@/lib/server/api";
import { EXPORT_PERMISSIONS, requirePermissions } from "@/lib/server/config-as-code/access";
import { exportConfig, serializeDocument } from "@/lib/server/config-as-code/export";

export const dynamic = "force-dynamic";

/** The whole configuration as one document (`?format=yaml|json`, default YAML), without secrets. Viewers may read it. */
export const GET = withAdmin("resources.read", async (request, { actor, req }) => {
  await requirePermissions(actor, req, EXPORT_PERMISSIONS);
  const { format } = ExportQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const body = serializeDocument(await exportConfig(), format);
  return new Response(body, {
    headers: {
      "content-type": format === "json" ? "application/json" : "application/yaml; charset=utf-8",
      "content-disposition": `attachment; filename="portcullis.${format}"`,
      "cache-control": "no-store",
    },
  });
});
