/**
 * The MCP SDK's own server (McpServer + StreamableHTTPServerTransport) behind the enforcer, driven by
 * the SDK's own client, with tokens from the shared test IdP (issue 3, "Tests and proof").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startTestIdp, type TestIdp } from "../../e2e/idp/test-idp.js";
import { protectStreamableHttp } from "./adapters/mcp-sdk.js";
import { nodeClientAddress } from "./adapters/node-http.js";
import { createEnforcer } from "./enforcer.js";
import { EnforcerPolicy } from "./policy.js";
import { createRecordingSink } from "./telemetry/sink.js";

let idp: TestIdp;
let server: Server;
let resourceUri = "";
const sink = createRecordingSink();

/** A fresh SDK server per request (SDK stateless mode), with three tools of which the policy allows two. */
function buildMcpServer(): McpServer {
  const mcp = new McpServer({ name: "files", version: "1.0.0" });
  const whoami = async (
    _args: unknown,
    extra: { authInfo?: { clientId: string; extra?: Record<string, unknown> } },
  ) => ({
    content: [
      {
        type: "text" as const,
        text: JSON.stringify({ sub: extra.authInfo?.extra?.sub, clientId: extra.authInfo?.clientId }),
      },
    ],
  });
  mcp.registerTool("read_file", { description: "Reads a file", inputSchema: { path: z.string() } }, whoami);
  mcp.registerTool("delete_file", { description: "Deletes a file", inputSchema: { path: z.string() } }, whoami);
  mcp.registerTool("secret_tool", { description: "Not in the policy" }, async () => ({
    content: [{ type: "text" as const, text: "leaked" }],
  }));
  return mcp;
}

async function connectClient(transport: StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: "sdk-integration-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

function bearerTransport(token: string): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(resourceUri), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
}

beforeAll(async () => {
  idp = await startTestIdp({ shape: "oidc" });
  // The resource URI contains the port, so the listener is installed once the server listens.
  let listener: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) =>
    void res.writeHead(503).end();
  server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  resourceUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  // RFC 8707: the IdP puts the requested resource into `aud`, so the audience is the canonical resource URI.
  const policy = EnforcerPolicy.parse({
    resource: { uri: resourceUri, name: "files" },
    idp: {
      kind: "oidc",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [resourceUri],
      authorizationServers: [idp.issuer],
    },
    tools: [{ name: "read_file" }, { name: "delete_file", scopes: ["mcp:tools:admin"] }],
  });
  listener = protectStreamableHttp({
    enforcer: createEnforcer({ policy, sink, clientAddress: nodeClientAddress }),
    createTransport: async () => {
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      await buildMcpServer().connect(transport);
      return transport;
    },
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await idp.close();
});

describe("MCP SDK server behind the enforcer", () => {
  it("lets a real SDK client list the allowed tools and call one, with authInfo in the handler", async () => {
    const token = await idp.mintAccessToken({
      sub: "alice",
      clientId: "agent-1",
      scopes: ["mcp:tools"],
      audience: resourceUri,
    });
    const client = await connectClient(bearerTransport(token));
    const { tools } = await client.listTools();
    // delete_file needs mcp:tools:admin: listed for step-up (issue 20, `toolsNeedingScope: "show"`); secret_tool unlisted.
    expect(tools.map((t) => t.name)).toEqual(["read_file", "delete_file"]);
    const result = await client.callTool({ name: "read_file", arguments: { path: "/etc/motd" } });
    expect(result.isError).toBeFalsy();
    const content = result.content as { type: string; text: string }[];
    expect(JSON.parse(content[0]?.text ?? "{}")).toEqual({ sub: "alice", clientId: "agent-1" });
    expect(
      sink.ofType("decision").some((d) => d.outcome === "allow" && d.tool === "read_file" && d.subject === "alice"),
    ).toBe(true);
    await client.close();
  });

  it("shows a tool once the token carries its scope", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools", "mcp:tools:admin"], audience: resourceUri });
    const client = await connectClient(bearerTransport(token));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["read_file", "delete_file"]);
    await client.close();
  });

  it("refuses a tool outside the allowlist with 403 tool_not_allowed, even when called blindly", async () => {
    const token = await idp.mintAccessToken({ scopes: ["mcp:tools", "mcp:tools:admin"], audience: resourceUri });
    const client = await connectClient(bearerTransport(token));
    const err = await client.callTool({ name: "secret_tool", arguments: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 403 });
    expect(String((err as Error).message)).toContain("tool_not_allowed");
    expect(String((err as Error).message)).not.toContain("leaked");
    await client.close();
  });

  it("answers a request without a token with 401 and the resource_metadata challenge the SDK discovers from", async () => {
    const res = await fetch(resourceUri, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate") ?? "";
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? "";
    expect(metadataUrl).toBe(`${new URL(resourceUri).origin}/.well-known/oauth-protected-resource/mcp`);
    expect(challenge).not.toContain("error=");
    const metadata = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      resource: resourceUri,
      authorization_servers: [idp.issuer],
      bearer_methods_supported: ["header"],
    });
  });

  it("runs the SDK's own OAuth chain for a headless agent: 401 → RFC 9728 → IdP client_credentials → retry", async () => {
    const authProvider = new ClientCredentialsProvider({
      clientId: "agent-1",
      clientSecret: "agent-1-secret",
      scope: "mcp:tools",
      expectedIssuer: idp.issuer,
    });
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(resourceUri), { authProvider }));
    const issued = authProvider.tokens()?.access_token ?? "";
    expect(issued).not.toBe("");
    const result = await client.callTool({ name: "read_file", arguments: { path: "/tmp/x" } });
    const content = result.content as { type: string; text: string }[];
    expect(JSON.parse(content[0]?.text ?? "{}")).toMatchObject({ clientId: "agent-1" });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["read_file", "delete_file"]);
    await client.close();
  });
});
