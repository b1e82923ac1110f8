import { enforcerErrorResponse, serveConfig } from "@/lib/server/enforcers/config-poll";

export const dynamic = "force-dynamic";

/**
 * Enforcer config API (bearer enforcer credential). 200 `application/jose` + ETag; with If-None-Match
 * a long-poll answering 304 or the new bundle; 404 until a first publish. See lib/server/enforcers/config-poll.ts.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    return await serveConfig(request);
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
}
