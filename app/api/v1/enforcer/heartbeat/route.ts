import { HeartbeatInput } from "@/lib/schemas/enforcers";
import { readJson } from "@/lib/server/api";
import { authenticateEnforcer } from "@/lib/server/enforcer-auth";
import { enforcerErrorResponse } from "@/lib/server/enforcers/config-poll";
import { recordHeartbeat } from "@/lib/server/enforcers/instances";

export const dynamic = "force-dynamic";

/** Enforcer heartbeat: `{ instanceId, host, moduleVersion, appliedVersion, lastError }` → `{ ok, latestVersion }`. */
export async function POST(request: Request): Promise<Response> {
  try {
    const identity = await authenticateEnforcer(request);
    const input = await readJson(request, HeartbeatInput, 8 * 1024);
    const { latestVersion } = await recordHeartbeat(identity, input);
    return Response.json({ ok: true, latestVersion }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
}
