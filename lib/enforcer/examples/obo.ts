// On-behalf-of: a tool calls a downstream API as the user. The downstreams come from policy.obo;
// the client secret comes from your environment, never from the (distributed) policy bundle.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createOboClient, isConsentRequired } from "portcullis/enforcer";
import { policy } from "./policy.js";

const obo = createOboClient({
  downstreams: policy.obo, // e.g. [{ name: "graph", grant: "entra_obo", tokenEndpoint, scope: "https://graph.microsoft.com/.default" }]
  credentials: { clientId: "11111111-2222-3333-4444-555555555555", clientSecret: process.env.OBO_CLIENT_SECRET },
});

export function registerProfileTool(server: McpServer): void {
  server.registerTool("my_profile", { description: "Reads the caller's profile" }, async (extra) => {
    try {
      const graph = await obo.exchange(extra.authInfo?.token ?? "", "graph"); // cached until shortly before expiry
      const res = await fetch("https://graph.microsoft.com/v1.0/me", {
        headers: { authorization: `Bearer ${graph.accessToken}` },
      });
      return { content: [{ type: "text", text: await res.text() }] };
    } catch (err) {
      // First use may need admin consent (Entra `interaction_required` / `consent_required`).
      if (isConsentRequired(err)) return { isError: true, content: [{ type: "text", text: "Admin consent needed" }] };
      throw err;
    }
  });
}
