import "server-only";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ApiOperation, HttpMethod } from "./registry";

/** The route files under app/api/v1 and their OpenAPI paths (`[id]` → `{id}`), for the tests. */
export const HTTP_METHODS: HttpMethod[] = ["get", "post", "put", "patch", "delete"];
const ROOT = join(process.cwd(), "app", "api", "v1");

export interface RouteFile {
  file: string;
  path: string;
}

export function listRouteFiles(dir = ROOT): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listRouteFiles(full));
    else if (entry.name === "route.ts") {
      const folder = relative(ROOT, dir).split(sep).filter(Boolean);
      const path = `/api/v1${folder.map((s) => `/${s.replace(/^\[(.+)\]$/, "{$1}")}`).join("")}`;
      out.push({ file: relative(process.cwd(), full), path });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The route file that serves an OpenAPI path. */
export function routeFileFor(path: string): string {
  const folder = path.replace(/^\/api\/v1/, "").replace(/\{([^}]+)\}/g, "[$1]");
  return join("app", "api", "v1", folder, "route.ts");
}

type Handler = (request: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Import a route file and return its handler for a method (undefined when it exports none). */
export async function handlerFor(o: Pick<ApiOperation, "method" | "path">): Promise<Handler | undefined> {
  const mod = (await import(/* @vite-ignore */ join(process.cwd(), routeFileFor(o.path)))) as Record<string, unknown>;
  const h = mod[o.method.toUpperCase()];
  return typeof h === "function" ? (h as Handler) : undefined;
}
