import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

/**
 * 200 while the database answers (`status: "degraded"` with `writes.status: "degraded"` when only writes
 * fail, e.g. a full disk: reads and config serving still work, so a load balancer should keep the
 * instance); 503 when the database cannot be reached.
 */
export async function GET(): Promise<Response> {
  const report = await checkHealth();
  return Response.json(report, {
    status: report.database.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
