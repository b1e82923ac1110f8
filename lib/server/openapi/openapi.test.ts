import { existsSync } from "node:fs";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";
import { HTTP_METHODS, handlerFor, listRouteFiles, routeFileFor } from "./route-files";
import { FAMILIES } from "./routes";

const operations = FAMILIES.flatMap((f) => f.operations.map((o) => ({ ...o, family: f.tag })));
const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

describe("the OpenAPI document", () => {
  it("lints clean with @redocly/openapi-core's recommended rules", async () => {
    const source = JSON.stringify(buildOpenApiDocument("http://127.0.0.1:3000"));
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source, absoluteRef: "/openapi.json", config });
    const found = problems
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`)
      // The public document route has no 4xx answer: it cannot fail for the client.
      .filter((p) => !p.includes("operation-4xx-response") || !p.includes("openapi.json"));
    expect(found).toEqual([]);
  });

  it("is OpenAPI 3.1 with one operation per registered route, each with a unique operationId", () => {
    const doc = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids.length).toBe(operations.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents every method of every route file under app/api/v1", async () => {
    const documented = new Set(operations.map((o) => key(o.method, o.path)));
    const missing: string[] = [];
    for (const route of listRouteFiles())
      for (const method of HTTP_METHODS) {
        if (!(await handlerFor({ method, path: route.path }))) continue;
        if (!documented.has(key(method, route.path)))
          missing.push(
            `${route.file} exports ${method.toUpperCase()} but lib/server/openapi has no operation for it: add ` +
              `op({ method: "${method}", path: "${route.path}", summary: "…", permission: "<the withAdmin permission>", ` +
              `body/query/params: <the zod schemas the handler parses>, responses: { 200: { description: "…", schema: … } } }) ` +
              "to a family in lib/server/openapi/routes/ (see the comment at the top of lib/server/openapi/registry.ts)",
          );
      }
    expect(missing, missing.join("\n")).toEqual([]);
  });

  it("documents no route that does not exist", async () => {
    const ghosts: string[] = [];
    for (const o of operations) {
      const file = routeFileFor(o.path);
      if (!existsSync(file)) ghosts.push(`${key(o.method, o.path)}: no file ${file} (family ${o.family})`);
      else if (!(await handlerFor(o)))
        ghosts.push(`${key(o.method, o.path)}: ${file} exports no ${o.method.toUpperCase()}`);
    }
    expect(ghosts, ghosts.join("\n")).toEqual([]);
  });
});
