import { configuredOrigin, json } from "@/lib/server/api";
import { buildOpenApiDocument } from "@/lib/server/openapi/document";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the registry (lib/server/openapi). Public: it
 * describes the API, holds no data, and CI tools fetch it before they hold a token.
 */
export function GET(request: Request): Response {
  return json(buildOpenApiDocument(configuredOrigin(request)), { headers: { "cache-control": "public, max-age=300" } });
}
