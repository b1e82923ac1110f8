import { heartbeatResponse } from "@/lib/server/enforcers/heartbeat-api";

export const dynamic = "force-dynamic";

/** Enforcer heartbeat: `{ instanceId, host, moduleVersion, appliedVersion, lastError }` → `{ ok, latestVersion }`. */
export async function POST(request: Request): Promise<Response> {
  return heartbeatResponse(request);
}
