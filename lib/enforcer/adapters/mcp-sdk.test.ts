import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { createEnforcer } from "../enforcer.js";
import { EnforcerPolicy } from "../policy.js";
import { protectStreamableHttp } from "./mcp-sdk.js";

let idp: TestIdp;
let server: Server;
let url = "";

beforeAll(async () => {
  idp = await startTestIdp({ shape: "entra" });
  const policy = EnforcerPolicy.parse({
    resource: { uri: "https://mcp.example.test/mcp", name: "stateful" },
    idp: {
      kind: "entra",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [idp.audience],
      authorizationServers: [idp.issuer],
    },
    tools: [{ name: "echo" }],
  });
  // One long-lived stateful transport (sessions), JSON responses instead of SSE.
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    enableJsonResponse: true,
  });
  const mcp = new McpServer({ name: "stateful", version: "1.0.0" });
  mcp.registerTool("echo", { description: "Echo" }, async (extra) => ({
    content: [{ type: "text" as const, text: `scopes=${extra.authInfo?.scopes.join(",")}` }],
  }));
  mcp.registerTool("hidden", { description: "Not allowed" }, async () => ({ content: [] }));
  await mcp.connect(transport);
  const listener = protectStreamableHttp({ enforcer: createEnforcer({ policy }), transport });
  server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await idp.close();
});

describe("protectStreamableHttp with a stateful transport", () => {
  it("carries a session through the enforcer, filters JSON tools/list and passes authInfo to tools", async () => {
    // Entra-shaped user token: `scp` is a space-separated string, normalized to scopes.
    const token = await idp.mintAccessToken({ sub: "erin", scopes: ["mcp:tools"] });
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: "t", version: "1.0.0" });
    await client.connect(transport);
    expect(transport.sessionId).toBeTruthy();
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["echo"]);
    const result = await client.callTool({ name: "echo", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "scopes=mcp:tools" }]);
    await transport.terminateSession(); // DELETE, authorized like any other request
    await client.close();
  });

  it("refuses an expired token before the transport sees the request", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools"], expiresInSec: -120 });
    const res = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("mcp-session-id")).toBeNull();
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe("token_expired");
  });
});
