// A policy in code: the same schema the control plane signs into config bundles.
import { EnforcerPolicy } from "portcullis/enforcer";

const tenant = "00000000-0000-0000-0000-000000000001";

export const policy = EnforcerPolicy.parse({
  resource: { uri: "https://mcp.example.com/mcp", name: "files" },
  idp: {
    kind: "entra",
    // Entra: the token version follows the API's accessTokenAcceptedVersion, so accept both issuer forms.
    issuers: [`https://login.microsoftonline.com/${tenant}/v2.0`, `https://sts.windows.net/${tenant}/`],
    jwksUri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
    audiences: ["api://mcp-files", "11111111-2222-3333-4444-555555555555"],
    authorizationServers: [`https://login.microsoftonline.com/${tenant}/v2.0`],
  },
  // Only these tools exist for clients; any other tool is refused (unlistedTools defaults to "deny").
  tools: [{ name: "read_file" }, { name: "search" }, { name: "delete_file", scopes: ["mcp:tools:admin"] }],
  rateLimits: { toolInvocationsPerMin: 100 },
});
