import "server-only";
import { buildOpenApiDocument } from "./document";

/** The document reduced to what the dashboard's API reference page shows: plain data for a server component. */
export interface ReferenceOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  auth: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestSchema: string | null;
  responses: { status: string; description: string; mediaType: string | null; schema: string | null }[];
}
export interface ReferenceFamily {
  tag: string;
  description: string;
  operations: ReferenceOperation[];
}

type Op = {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, unknown>[];
  "x-permission"?: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
};
type Doc = { tags: { name: string; description: string }[]; paths: Record<string, Record<string, Op>> };

const pretty = (v: unknown) => (v === undefined ? null : JSON.stringify(v, null, 2));

function authOf(o: Op): string {
  if (o["x-permission"]) return `API token or session · ${o["x-permission"]}`;
  return o.security.length === 0 ? "public" : "enforcer credential";
}

export function apiReference(): ReferenceFamily[] {
  const doc = buildOpenApiDocument() as unknown as Doc;
  const families = doc.tags.map((t) => ({
    tag: t.name,
    description: t.description,
    operations: [] as ReferenceOperation[],
  }));
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, o] of Object.entries(methods)) {
      const family = families.find((f) => f.tag === o.tags[0]);
      family?.operations.push({
        id: o.operationId,
        method: method.toUpperCase(),
        path,
        summary: o.summary,
        auth: authOf(o),
        parameters: o.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required })),
        requestSchema: pretty(o.requestBody?.content["application/json"]?.schema),
        responses: Object.entries(o.responses)
          .filter(([status]) => status.startsWith("2") || status.startsWith("3"))
          .map(([status, r]) => {
            const [mediaType, media] = Object.entries(r.content ?? {})[0] ?? [null, undefined];
            return { status, description: r.description, mediaType, schema: pretty(media?.schema) };
          }),
      });
    }
  return families;
}
