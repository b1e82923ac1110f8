import "server-only";
import { type ZodType, z } from "zod";
import { env } from "../env";
import { ErrorBody } from "./dto";
import type { ApiOperation, ResponseSpec } from "./registry";
import { FAMILIES } from "./routes";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the registry (registry.ts): request parts from the
 * zod schemas the handlers parse (`io: "input"`: what a client may send, defaults optional), answers from
 * the response schemas (`io: "output"`). Error answers are added per operation from how withAdmin and
 * the enforcer routes fail. JSON Schema draft 2020-12 is OpenAPI 3.1's own dialect.
 */
type Json = Record<string, unknown>;

function schemaOf(schema: ZodType, io: "input" | "output"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
  return rest as Json;
}

const ERROR_TEXT: Record<number, string> = {
  401: "No valid credential (missing, malformed, unknown, revoked or expired)",
  403: "Authenticated, but the role or token does not allow this (or a cookie request from another origin)",
  404: "No such object",
  413: "Body too large",
  415: "Content-Type must be exactly application/json",
  422: "Invalid input: error.fields names each field path",
  503: "Database unavailable or storage full (Retry-After)",
};

function errorStatuses(o: ApiOperation): number[] {
  if (o.permission === "public") return [];
  const out = [401];
  if (o.permission !== "enforcer") out.push(403);
  if (o.params) out.push(404);
  if (o.body) out.push(413, 415);
  if (o.body || o.query || o.params) out.push(422);
  out.push(503);
  return out;
}

function response(spec: ResponseSpec): Json {
  if (spec.schema)
    return {
      description: spec.description,
      content: { "application/json": { schema: schemaOf(spec.schema, "output") } },
    };
  if (spec.contentType)
    return { description: spec.description, content: { [spec.contentType]: { schema: { type: "string" } } } };
  return { description: spec.description };
}

function parameters(schema: ZodType | undefined, where: "path" | "query"): Json[] {
  if (!schema) return [];
  const s = schemaOf(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    ...(typeof prop.description === "string" ? { description: prop.description } : {}),
    schema: prop,
  }));
}

export function operationId(o: Pick<ApiOperation, "method" | "path">): string {
  const words = o.path
    .replace(/^\/api\/v1\//, "")
    .split(/[/.{}-]+/)
    .filter(Boolean);
  return [o.method, ...words].map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join("");
}

function operation(o: ApiOperation, tag: string): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(o.responses)) responses[status] = response(spec);
  for (const status of errorStatuses(o))
    responses[String(status)] = {
      description: ERROR_TEXT[status],
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  const security =
    o.permission === "public"
      ? []
      : o.permission === "enforcer"
        ? [{ enforcerCredential: [] }]
        : [{ apiToken: [] }, { sessionCookie: [] }];
  return {
    operationId: operationId(o),
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: [tag],
    security,
    ...(o.permission === "public" || o.permission === "enforcer" ? {} : { "x-permission": o.permission }),
    parameters: [...parameters(o.params, "path"), ...parameters(o.query, "query")],
    ...(o.body
      ? {
          requestBody: {
            required: !o.bodyOptional,
            content: { "application/json": { schema: schemaOf(o.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(serverUrl = "/"): Json {
  const paths: Record<string, Json> = {};
  for (const family of FAMILIES)
    for (const o of family.operations) {
      paths[o.path] ??= {};
      (paths[o.path] as Json)[o.method] = operation(o, family.tag);
    }
  return {
    openapi: "3.1.0",
    info: {
      title: "Portcullis control plane API",
      version: env().PORTCULLIS_VERSION,
      description:
        "Admin automation with a personal API token (Authorization: Bearer pcl_api_…; Settings → API tokens) or a session cookie; enforcer routes with an enforcer credential. Each operation's x-permission names the permission it needs. Errors: { error: { code, message, requestId, fields? } }.",
      license: { name: "Proprietary", identifier: "LicenseRef-Portcullis" },
    },
    servers: [{ url: serverUrl }],
    tags: FAMILIES.map((f) => ({ name: f.tag, description: f.description })),
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorBody, "output") },
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "pcl_api_<prefix>_<secret>",
          description: "Personal admin API token",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "Dashboard session (unsafe methods need a same-origin Origin header)",
        },
        enforcerCredential: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "pcl_<prefix>_<secret>",
          description: "A resource's enforcer credential",
        },
      },
    },
  };
}
