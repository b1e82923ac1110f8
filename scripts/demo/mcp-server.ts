/**
 * The demo's protected MCP server: the official SDK's McpServer with three tools, behind the enforcer's
 * Node `http` adapter, on 127.0.0.1. The SDK code knows nothing about tokens: the enforcer authorizes
 * every request and the handlers read the caller from `extra.authInfo`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { createNodeHandler, type Enforcer } from "../../lib/enforcer/index.js";

/** Every tool the server has; the policy decides which ones a client may see and call. */
export const SERVER_TOOLS = ["read_file", "search", "delete_file"] as const;

const FILES: Record<string, string> = {
  "/docs/readme.md": "Portcullis keeps unauthorised agents away from your tools.",
  "/docs/runbook.md": "Rotate the IdP signing key; the enforcer refreshes its JWKS on the unknown kid.",
};

function text(value: string) {
  return { content: [{ type: "text" as const, text: value }] };
}

/** A fresh server per request (the SDK's stateless mode). */
export function buildMcpServer(): McpServer {
  const server = new McpServer({ name: "files", version: "1.0.0" });
  server.registerTool(
    "read_file",
    { description: "Reads a file", inputSchema: { path: z.string() } },
    async ({ path }, extra) =>
      text(`${FILES[path] ?? "(no such file)"} [read as ${String(extra.authInfo?.extra?.sub)}]`),
  );
  server.registerTool(
    "search",
    { description: "Searches file contents", inputSchema: { query: z.string() } },
    async ({ query }) =>
      text(
        Object.keys(FILES)
          .filter((p) => FILES[p]?.toLowerCase().includes(query.toLowerCase()))
          .join(", ") || "(no match)",
      ),
  );
  server.registerTool(
    "delete_file",
    { description: "Deletes a file", inputSchema: { path: z.string() } },
    async ({ path }) => text(`deleted ${path}`),
  );
  return server;
}

/** A loopback HTTP server whose request listener is installed later (the resource URI needs the port first). */
export interface DemoServer {
  url: (path: string) => string;
  protect: (enforcer: Enforcer) => void;
  close: () => Promise<void>;
}

export function startDemoServer(port = 0): Promise<DemoServer> {
  return startStatelessServer(port, buildMcpServer);
}

/** Any SDK McpServer, built fresh per request (stateless Streamable HTTP), behind the enforcer once `protect`ed. */
export async function startStatelessServer(port: number, build: () => McpServer): Promise<DemoServer> {
  let listener: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server: Server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => new URL(path, origin).href,
    protect(enforcer) {
      listener = createNodeHandler(enforcer, async (req, res) => {
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        res.on("close", () => void transport.close());
        await build().connect(transport);
        await transport.handleRequest(req, res, req.body);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
