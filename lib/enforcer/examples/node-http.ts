// Node http: createNodeHandler serves RFC 9728 metadata, authorizes, then calls the handler with
// req.auth (the SDK's AuthInfo) and req.body (the parsed JSON-RPC message).
import { createServer } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createEnforcer, createMemoryRateLimiter, createNodeHandler, nodeClientAddress } from "portcullis/enforcer";
import { buildMcpServer } from "./mcp-server.js";
import { policy } from "./policy.js";

const enforcer = createEnforcer({ policy, rateLimiter: createMemoryRateLimiter(), clientAddress: nodeClientAddress });

const handler = createNodeHandler(
  enforcer,
  async (req, res) => {
    // SDK stateless mode: a fresh server and transport per request.
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    await buildMcpServer().connect(transport);
    await transport.handleRequest(req, res, req.body);
  },
  { baseUrl: "https://mcp.example.com", clientAddress: (req) => req.socket.remoteAddress },
);

createServer(handler).listen(8080);
