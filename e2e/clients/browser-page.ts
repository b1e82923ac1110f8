/**
 * Bundled by e2e/step-up.spec.ts (esbuild, browser platform) into the page an allowed origin serves: the
 * official SDK's own discovery and Streamable HTTP client, run by Chromium, so every cross-origin request goes
 * through real CORS preflights.
 */
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const lab = {
  /** A request without a token: the 401's challenge must be readable by script (Access-Control-Expose-Headers). */
  async challenge(resourceUri: string) {
    const res = await fetch(resourceUri, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list" }),
    });
    const params = extractWWWAuthenticateParams(res);
    return {
      status: res.status,
      challenge: res.headers.get("www-authenticate"),
      resourceMetadata: params.resourceMetadataUrl?.href ?? null,
      scope: params.scope ?? null,
      id: ((await res.json()) as { id: unknown }).id,
    };
  },
  /** RFC 9728 then RFC 8414 discovery, as the SDK does it (it sends MCP-Protocol-Version: a preflighted request). */
  async discover(resourceUri: string) {
    const resource = await discoverOAuthProtectedResourceMetadata(resourceUri);
    const issuer = resource.authorization_servers?.[0] ?? "";
    const as = await discoverAuthorizationServerMetadata(issuer);
    // Both metadata URLs, with the headers the SDK may send.
    const origin = new URL(resourceUri).origin;
    const statuses: number[] = [];
    for (const path of [
      `/.well-known/oauth-protected-resource${new URL(resourceUri).pathname}`,
      "/.well-known/oauth-protected-resource",
    ]) {
      const res = await fetch(origin + path, {
        headers: { "mcp-protocol-version": "2025-11-25", authorization: "Bearer x" },
      });
      statuses.push(res.status);
    }
    return { resource, tokenEndpoint: as?.token_endpoint ?? null, statuses };
  },
  /** An authorized tools/list through the SDK's transport (Authorization, Content-Type, MCP-Protocol-Version). */
  async listTools(resourceUri: string, token: string) {
    const transport = new StreamableHTTPClientTransport(new URL(resourceUri), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: "browser-lab", version: "1.0.0" });
    await client.connect(transport);
    const { tools } = await client.listTools();
    const call = await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } });
    await client.close();
    return { tools: tools.map((t) => t.name), text: (call.content as { text: string }[])[0]?.text ?? "" };
  },
};

(globalThis as unknown as { lab: typeof lab }).lab = lab;
