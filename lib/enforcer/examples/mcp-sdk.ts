// The MCP SDK's Streamable HTTP transport wrapped whole: one call gives a Node request listener.
import { createServer } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createEnforcer, protectStreamableHttp } from "portcullis/enforcer";
import { buildMcpServer } from "./mcp-server.js";
import { policy } from "./policy.js";

const listener = protectStreamableHttp({
  enforcer: createEnforcer({ policy }),
  baseUrl: "https://mcp.example.com",
  // Called per allowed request; the wrapper closes the transport when the response closes.
  createTransport: async () => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await buildMcpServer().connect(transport);
    return transport;
  },
});

createServer((req, res) => void listener(req, res)).listen(8080);
