/**
 * The demo's protected MCP server on the official SDK v2 (`@modelcontextprotocol/server` 2.4 with
 * `@modelcontextprotocol/node` 2.1): one `createMcpHandler` serves MCP 2026-07-28 (stateless, per-request `_meta`)
 * and, through its stateless legacy fallback, 2025-11-25 clients such as SDK 1.32, behind the enforcer's Node
 * `http` adapter. The SDK code knows nothing about tokens; handlers read the caller from `ctx.http.authInfo`.
 * Beside the 1.x server (`mcp-server.ts`), which stays as it is.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { acceptedContent, createMcpHandler, inputRequired, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { createNodeHandler, type Enforcer } from "../../lib/enforcer/index.js";
import type { DemoServer } from "./mcp-server.js";

/** Every tool the server has; the policy decides which ones a client may see and call. */
export const SERVER_V2_TOOLS = ["read_file", "search", "delete_file", "archive_file"] as const;

const FILES: Record<string, string> = {
  "/docs/readme.md": "Portcullis keeps unauthorised agents away from your tools.",
  "/docs/runbook.md": "Rotate the IdP signing key; the enforcer refreshes its JWKS on the unknown kid.",
};

function text(value: string) {
  return { content: [{ type: "text" as const, text: value }] };
}

function callerOf(ctx: { http?: { authInfo?: { extra?: Record<string, unknown> } } }): string {
  return String(ctx.http?.authInfo?.extra?.sub);
}

/** A fresh SDK v2 server per request (the factory `createMcpHandler` calls for either era). */
export function buildMcpServerV2(): McpServer {
  // The tool list is the same for everyone at the server: public, one minute. The enforcer filters it per caller
  // and marks its answer private (issue 22).
  const server = new McpServer(
    { name: "files", version: "2.0.0" },
    { cacheHints: { "tools/list": { ttlMs: 60_000, cacheScope: "public" } } },
  );
  server.registerTool(
    "read_file",
    { description: "Reads a file", inputSchema: z.object({ path: z.string() }) },
    async ({ path }, ctx) => text(`${FILES[path] ?? "(no such file)"} [read as ${callerOf(ctx)}]`),
  );
  server.registerTool(
    "search",
    { description: "Searches file contents", inputSchema: z.object({ query: z.string() }) },
    async ({ query }) =>
      text(
        Object.keys(FILES)
          .filter((p) => FILES[p]?.toLowerCase().includes(query.toLowerCase()))
          .join(", ") || "(no match)",
      ),
  );
  server.registerTool(
    "delete_file",
    { description: "Deletes a file", inputSchema: z.object({ path: z.string() }) },
    async ({ path }) => text(`deleted ${path}`),
  );
  // A multi round-trip tool (MRTR): the first call answers input_required, the retry carries the answer.
  const confirmation = z.object({ confirm: z.boolean() });
  server.registerTool(
    "archive_file",
    { description: "Archives a file after confirmation", inputSchema: z.object({ path: z.string() }) },
    async ({ path }, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "confirm", confirmation);
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            confirm: inputRequired.elicit({ message: `Archive ${path}?`, requestedSchema: confirmation }),
          },
        });
      }
      return text(answer.confirm ? `archived ${path} for ${callerOf(ctx)}` : `kept ${path}`);
    },
  );
  server.registerResource("readme", "file:///docs/readme.md", { mimeType: "text/markdown" }, async (uri) => ({
    contents: [{ uri: uri.href, text: FILES["/docs/readme.md"] ?? "" }],
  }));
  return server;
}

/** Like {@link DemoServer}, plus the handler's change notifier (for `subscriptions/listen` streams). */
export interface DemoServerV2 extends DemoServer {
  notifyToolsChanged: () => void;
}

/**
 * A loopback HTTP server whose request listener is installed later (the resource URI needs the port first).
 *
 * @example
 * const server = await startDemoServerV2(); server.protect(createEnforcer({ policy })); // then SDK v2 or 1.32 clients
 */
export async function startDemoServerV2(port = 0): Promise<DemoServerV2> {
  let listener: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server: Server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handler = createMcpHandler(() => buildMcpServerV2(), { keepAliveMs: 0 });
  const node = toNodeHandler(handler);
  return {
    url: (path) => new URL(path, origin).href,
    protect(enforcer: Enforcer) {
      // The enforcer parsed the body once (req.body): the SDK reuses it rather than reading the stream again.
      listener = createNodeHandler(enforcer, (req, res) => node(req, res, req.body));
    },
    notifyToolsChanged: () => handler.notify.toolsChanged(),
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
