import "server-only";
import { HeartbeatInput } from "@/lib/schemas/enforcers";
import { readJson } from "../api";
import { authenticateEnforcer, type EnforcerIdentity } from "../enforcer-auth";
import { enforcerErrorResponse } from "./config-poll";
import { recordHeartbeat } from "./instances";

/** The largest heartbeat body taken. */
export const HEARTBEAT_MAX_BYTES = 8 * 1024;

/**
 * `POST /api/v1/enforcer/heartbeat`, `{ instanceId, host, moduleVersion, appliedVersion, lastError }` →
 * `{ ok, latestVersion }`: the route handler's body, shared with the direct node:http path (heartbeat-node.ts).
 * The credential is checked before the body is read, so an anonymous sender cannot make the server wait for one.
 *
 * @example export const POST = (request: Request) => heartbeatResponse(request);
 */
export async function heartbeatResponse(request: Request): Promise<Response> {
  let identity: EnforcerIdentity;
  try {
    identity = await authenticateEnforcer(request);
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
  return authenticatedHeartbeatResponse(identity, request);
}

/** The rest of {@link heartbeatResponse}, for a request whose credential was checked. @example await authenticatedHeartbeatResponse(identity, request) */
export async function authenticatedHeartbeatResponse(identity: EnforcerIdentity, request: Request): Promise<Response> {
  try {
    const input = await readJson(request, HeartbeatInput, HEARTBEAT_MAX_BYTES);
    const { latestVersion } = await recordHeartbeat(identity, input);
    return Response.json({ ok: true, latestVersion }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
}
