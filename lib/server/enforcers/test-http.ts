import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Serve Fetch-style route handlers (the real `GET`/`POST` exports of app/api/**) over node:http on
 * 127.0.0.1, so the enforcer's config client can be tested against the real control-plane code.
 * The request's signal aborts when the client goes away, as in Next. Test-only.
 */
export type RouteHandler = (request: Request) => Promise<Response>;
/** A handler on the node:http request itself, as scripts/serve.mjs calls config-poll-node.ts. */
export type NodeRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = chunks.length > 0 && req.method !== "GET" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", origin), { method: req.method, headers, body, signal });
}

export async function serveRoutes(
  routes: Record<string, RouteHandler>,
  nodeRoutes: Record<string, NodeRouteHandler> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  let origin = "";
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const direct = nodeRoutes[`${req.method} ${path}`];
    if (direct) return void direct(req, res);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const handler = routes[`${req.method} ${path}`];
    if (!handler) return void res.writeHead(404).end();
    const response = await handler(await toRequest(req, origin, abort.signal));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
