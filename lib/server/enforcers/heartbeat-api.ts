import "server-only";
import { HeartbeatInput } from "@/lib/schemas/enforcers";
import { readJson } from "../api";
import { authenticateEnforcer } from "../enforcer-auth";
import { enforcerErrorResponse } from "./config-poll";
import { recordHeartbeat } from "./instances";

/**
 * `POST /api/v1/enforcer/heartbeat`, `{ instanceId, host, moduleVersion, appliedVersion, lastError }` →
 * `{ ok, latestVersion }`: the route handler's body, shared with the direct node:http path (heartbeat-node.ts).
 *
 * @example export const POST = (request: Request) => heartbeatResponse(request);
 */
export async function heartbeatResponse(request: Request): Promise<Response> {
  try {
    const identity = await authenticateEnforcer(request);
    const input = await readJson(request, HeartbeatInput, 8 * 1024);
    const { latestVersion } = await recordHeartbeat(identity, input);
    return Response.json({ ok: true, latestVersion }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
}
