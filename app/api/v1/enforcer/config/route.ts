import { enforcerErrorResponse, serveConfig, toResponse } from "@/lib/server/enforcers/config-poll";

export const dynamic = "force-dynamic";

/**
 * Enforcer config API (bearer enforcer credential). 200 `application/jose` + ETag; with If-None-Match
 * a long-poll answering 304 or the new bundle; 404 until a first publish. See lib/server/enforcers/config-poll.ts.
 * In `npm start`, scripts/serve.mjs answers this path itself, before Next's router, with the same code
 * (lib/server/enforcers/config-poll-node.ts); this handler serves it under `next dev` and in tests.
 */
export async function GET(request: Request): Promise<Response> {
  try {
    return toResponse(await serveConfig(request));
  } catch (err) {
    return enforcerErrorResponse(err, request);
  }
}
