import { errorResponse } from "@/lib/server/api";
import { requireActor } from "@/lib/server/auth/session";
import { hashSecret, secretMatches } from "@/lib/server/enforcers/credential-format";
import { env } from "@/lib/server/env";
import { AppError } from "@/lib/server/errors";
import { registry } from "@/lib/server/prom";
import { contextFromHeaders } from "@/lib/server/request-context";
import "@/lib/server/enforcers/metrics";
import "@/lib/server/telemetry/fleet-metrics";

export const dynamic = "force-dynamic";

/**
 * Prometheus exposition of the control plane's metrics: fleet telemetry totals (per resource) and
 * config distribution. With METRICS_TOKEN set, scrapers send `Authorization: Bearer <METRICS_TOKEN>`;
 * without it the endpoint is closed to everything but a signed-in admin with telemetry.read
 * (client ids and tool names are not for the open network).
 */
export async function GET(request: Request): Promise<Response> {
  const { requestId } = contextFromHeaders(request.headers);
  try {
    const token = env().METRICS_TOKEN;
    if (token) {
      const presented = /^Bearer (\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      if (!secretMatches(presented, hashSecret(token)))
        throw new AppError("unauthorized", "Send Authorization: Bearer <METRICS_TOKEN>.");
    } else {
      await requireActor("telemetry.read");
    }
    return new Response(await registry.metrics(), {
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  } catch (err) {
    return errorResponse(err, requestId);
  }
}
