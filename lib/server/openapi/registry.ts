import "server-only";
import type { ZodType } from "zod";
import type { Permission } from "../auth/permissions";

/**
 * The OpenAPI registry of /api/v1 (issue 14). Every route file under app/api/v1 declares its operations
 * here, with the SAME zod schemas its handler parses (`readJson(request, X)`, `X.parse(searchParams)`):
 * the document at GET /api/v1/openapi.json is generated from them (lib/server/openapi/document.ts),
 * so it cannot drift from what the server accepts.
 *
 * ADDING A ROUTE (other engineers: this is for you)
 * 1. In lib/server/openapi/routes/<family>.ts (or a new file there, then add it to FAMILIES in
 *    routes/index.ts), add one `op({...})` per exported method:
 *      op({ method: "post", path: "/api/v1/config/plan", summary: "Plan a config document",
 *           permission: "resources.write", body: ConfigPlanBody,
 *           responses: { 200: { description: "The plan", schema: ConfigPlanResponse } } })
 *    - path: the route folder with `[id]` written `{id}`; params: z.object({ id: z.string() }) for them;
 *    - query / body: import the schema the handler parses (move a route-local schema to lib/schemas);
 *    - responses: success statuses only (errors are added for you); `schema` is a zod schema of the
 *      JSON answer (lib/server/openapi/dto.ts has the shared DTOs), or `contentType` for non-JSON.
 * 2. `npx vitest run --project db lib/server/openapi` checks: route files ↔ registry both ways (its
 *    failure message names the missing entry), the document lints clean (@redocly/openapi-core), and
 *    the contract test (contract.test.ts) calls every GET and one mutation per family with an API token
 *    and validates the answer against `schema`: add a `call(...)` there for a new GET (its fixtures in
 *    beforeAll); its failure message names the missing call.
 */
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** The JSON body; omit for 204 or non-JSON answers. */
  schema?: ZodType;
  /** Non-JSON answers (CSV, YAML, Markdown, JWS): the media type; the body is documented as a string. */
  contentType?: string;
}

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path: `/api/v1/resources/{id}` for app/api/v1/resources/[id]/route.ts. */
  path: string;
  summary: string;
  description?: string;
  /** The permission the handler's withAdmin checks; "enforcer" for enforcer-credential routes; "public" for none. */
  permission: Permission | "enforcer" | "public";
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** The handler reads the body with readOptionalJson: it may be omitted. */
  bodyOptional?: boolean;
  responses: Record<number, ResponseSpec>;
}

export interface ApiFamily {
  /** The tag in the document (one per route family). */
  tag: string;
  description: string;
  operations: ApiOperation[];
}

export const op = (o: ApiOperation): ApiOperation => o;

export function defineFamily(tag: string, description: string, operations: ApiOperation[]): ApiFamily {
  return { tag, description, operations };
}
