// The MCP server being protected: the official SDK, unchanged. Tool handlers see the caller as extra.authInfo.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

export function buildMcpServer(): McpServer {
  const server = new McpServer({ name: "files", version: "1.0.0" });
  server.registerTool("read_file", { inputSchema: { path: z.string() } }, async ({ path }, extra) => ({
    content: [{ type: "text", text: `${path} read for ${String(extra.authInfo?.extra?.sub)}` }],
  }));
  return server;
}
