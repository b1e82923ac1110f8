import { AuditExportQuery } from "@/lib/schemas/audit";
import { withAdmin } from "@/lib/server/api";
import { exportAuditTrail, MAX_AUDIT_EXPORT_ROWS } from "@/lib/server/audit-export";

export const dynamic = "force-dynamic";

/**
 * The filtered audit trail as a download, oldest first, each row with its chain hash:
 * ?format=jsonl|csv plus the Audit page's filters. `npm run audit:verify -- --file <it>` checks it offline.
 */
export const GET = withAdmin("audit.read", async (request) => {
  const { format, ...filter } = AuditExportQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  return new Response(exportAuditTrail(filter, format), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8",
      "content-disposition": `attachment; filename="portcullis-audit-${stamp}.${format}"`,
      "cache-control": "no-store",
      "x-export-max-rows": String(MAX_AUDIT_EXPORT_ROWS),
    },
  });
});
