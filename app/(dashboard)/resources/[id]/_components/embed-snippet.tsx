import { CodeBlock } from "@/components/ui/code-block";

/** How to put the enforcer in front of an MCP server (Node http + the official SDK transport). */
export function EmbedSnippet({
  controlPlaneUrl,
  resourceId,
  name,
}: {
  controlPlaneUrl: string;
  resourceId: string;
  name: string;
}) {
  const base = controlPlaneUrl.replace(/\/$/, "");
  const code = `import { createServer } from "node:http";
import { hostname } from "node:os";
import { createConfigClient, createEnforcer, createNodeHandler } from "portcullis/enforcer";

// Signed config from Portcullis, verified against its public keys, cached on disk.
const config = createConfigClient({
  url: "${base}",
  credential: process.env.PORTCULLIS_CREDENTIAL ?? "", // from the Enforcers tab
  jwks: "${base}/.well-known/portcullis-jwks.json",
  resourceId: "${resourceId}",
  cacheFile: "/var/cache/portcullis/${name.replace(/[^A-Za-z0-9_-]/g, "_")}.jws",
  heartbeat: { instanceId: hostname(), host: hostname(), moduleVersion: "1.0.0" },
});
await config.start();

// Fails closed (503) until a config is loaded; tokens, scopes, tools and rate limits per request.
const enforcer = createEnforcer({ policy: () => config.policy() });
createServer(createNodeHandler(enforcer, (req, res) => transport.handleRequest(req, res, req.body))).listen(8080);`;
  return <CodeBlock label="Embed snippet (TypeScript)" code={code} testId="embed-snippet" />;
}
