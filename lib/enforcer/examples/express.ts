// Express 5: the metadata router at the application root (RFC 9728 §3.1), the enforcer on the MCP route.
// No express.json() needed: the enforcer reads the body once (bounded) and sets req.body.
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import express from "express";
import { createEnforcer, expressEnforcer, protectedResourceMetadataRouter } from "portcullis/enforcer";
import { buildMcpServer } from "./mcp-server.js";
import { policy } from "./policy.js";

const enforcer = createEnforcer({ policy });
const app = express();
app.use(protectedResourceMetadataRouter(enforcer, { baseUrl: "https://mcp.example.com" }));
app.post("/mcp", expressEnforcer(enforcer, { baseUrl: "https://mcp.example.com" }), async (req, res) => {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => void transport.close());
  await buildMcpServer().connect(transport);
  await transport.handleRequest(req, res, req.body);
});
app.listen(8080);
