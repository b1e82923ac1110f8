/**
 * Every TypeScript snippet the dashboard shows, as pure functions of the values it fills in (issue 13 #8). Each is
 * type-checked by scripts/ui-snippets.test.ts and the resource page's is run by e2e/snippets.spec.ts against the
 * control plane, the way the README's examples are checked: a snippet that does not compile or run fails a test.
 */

/** A downstream as the snippet needs it (name only: the secret is read on the MCP server's host). */
export interface SnippetDownstream {
  name: string;
}

export interface EmbedSnippetInput {
  controlPlaneUrl: string;
  resourceId: string;
  name: string;
  /** The resource's canonical URI (its origin is the public base URL of the MCP server). */
  uri: string;
  downstreams: readonly SnippetDownstream[];
}

const q = (s: string) => JSON.stringify(s);

/**
 * The resource page's "Embed the enforcer": config client, telemetry (metrics and the control plane), the OBO client
 * for the resource's Downstream APIs wired to the same sink, and an MCP server (official SDK) behind the Node adapter.
 */
export function embedSnippet(input: EmbedSnippetInput): string {
  const base = input.controlPlaneUrl.replace(/\/$/, "");
  const file = input.name.replace(/[^A-Za-z0-9_-]/g, "_");
  const origin = safeOrigin(input.uri);
  const first = input.downstreams[0]?.name;
  const oboTool = first
    ? `
  // Calls the ${first} downstream as the caller (Downstream APIs tab): on-behalf-of, cached, reported to Portcullis.
  server.registerTool("${toolName(first)}", { description: "Exchanges the caller's token for ${first}" }, async (extra) => {
    const token = await obo.exchange(extra.authInfo?.token ?? "", ${q(first)});
    return { content: [{ type: "text", text: \`${first} token until \${new Date(token.expiresAt * 1000).toISOString()}\` }] };
  });`
    : "";
  return `import { createServer } from "node:http";
import { hostname } from "node:os";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  createConfigClient,
  createEnforcer,
  createEnforcerMetrics,
  createNodeHandler,
  createOboClient,
  createTelemetryClient,
  fanOutSink,
  oboCredentialsFromPolicy,
} from "portcullis/enforcer";

const url = ${q(base)};
const credential = process.env.PORTCULLIS_CREDENTIAL ?? ""; // from the Enforcers tab

// Signed config from Portcullis, verified against its public keys, cached on disk.
const config = createConfigClient({
  url,
  credential,
  jwks: \`\${url}/.well-known/portcullis-jwks.json\`,
  resourceId: ${q(input.resourceId)},
  cacheFile: \`\${process.env.PORTCULLIS_CACHE_DIR ?? "/var/cache/portcullis"}/${file}.jws\`,
  heartbeat: { instanceId: hostname(), host: hostname(), moduleVersion: "1.0.0" },
});
await config.start();

// Decisions, JWKS refreshes and OBO exchanges go to Portcullis (the Overview charts) and to /metrics.
const telemetry = createTelemetryClient({ url, credential, instance: { id: hostname() } });
const metrics = createEnforcerMetrics({ telemetry });
const sink = fanOutSink(metrics, telemetry);

// Downstream APIs: secrets from PORTCULLIS_OBO_* variables or files in secretDir, token endpoints on the IdP only.
const obo = createOboClient({
  policy: () => config.policy(),
  credentials: (downstream) => oboCredentialsFromPolicy(downstream, { secretDir: "/run/secrets/portcullis-obo" }),
  sink,
});

// Your MCP server (the official SDK). Tool handlers see the caller as extra.authInfo.
function buildMcpServer(): McpServer {
  const server = new McpServer({ name: ${q(input.name)}, version: "1.0.0" });
  server.registerTool("whoami", { description: "Who is calling" }, async (extra) => ({
    content: [{ type: "text", text: \`hello \${String(extra.authInfo?.extra?.sub)}\` }],
  }));${oboTool}
  return server;
}

// Fails closed (503) until a config is loaded; tokens, scopes, tools and rate limits per request.
const enforcer = createEnforcer({ policy: () => config.policy(), sink });
const handler = createNodeHandler(
  enforcer,
  async (req, res) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    await buildMcpServer().connect(transport);
    await transport.handleRequest(req, res, req.body);
  },
  { baseUrl: ${q(origin)} },
);
createServer(handler).listen(Number(process.env.PORT ?? 8080));
`;
}

/** The dashboards' empty state: the least code that makes the first events arrive. */
export function connectEnforcerSnippet(): string {
  return `import { createConfigClient, createEnforcer, createEnforcerMetrics, createTelemetryClient, fanOutSink } from "portcullis/enforcer";

const url = "https://portcullis.example.com"; // this control plane
const credential = process.env.PORTCULLIS_CREDENTIAL ?? ""; // pcl_… from the resource's Enforcers tab
const resourceId = "res_…"; // the resource's id (its page here): other resources' bundles are refused
const config = createConfigClient({ url, credential, resourceId, jwks: \`\${url}/.well-known/portcullis-jwks.json\` });
await config.start();
const telemetry = createTelemetryClient({ url, credential, instance: { id: process.env.HOSTNAME } });
const metrics = createEnforcerMetrics({ telemetry }); // serve metrics.render() on /metrics
export const enforcer = createEnforcer({ policy: () => config.policy(), sink: fanOutSink(metrics, telemetry) });
`;
}

function safeOrigin(uri: string): string {
  try {
    return new URL(uri).origin;
  } catch {
    return "https://mcp.example.com";
  }
}

/** A tool name for the downstream's sample tool (letters, digits, _ and -). */
function toolName(downstream: string): string {
  return `call_${downstream.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
