// OBO managed by the control plane: the Downstream APIs tab publishes policy.obo (client id, client
// authentication, where the secret lives); the secret is read here, on the MCP server's host.
import { createConfigClient, createOboClient, noopSink, oboCredentialsFromPolicy } from "portcullis/enforcer";

const url = "https://portcullis.example.com";
const config = createConfigClient({
  url,
  credential: process.env.PORTCULLIS_CREDENTIAL ?? "",
  jwks: `${url}/.well-known/portcullis-jwks.json`,
  resourceId: "res_files",
});
await config.start();

export const obo = createOboClient({
  // The policy's obo list; a token endpoint off its IdP's origins is refused (allowTokenEndpointOrigins widens it).
  policy: () => config.policy(),
  // Reads $PORTCULLIS_OBO_… or a file in secretDir, as the policy names it; anything else is refused.
  credentials: (downstream) => oboCredentialsFromPolicy(downstream, { secretDir: "/run/secrets/portcullis-obo" }),
  sink: noopSink, // or the telemetry client, so the OBO panel has data
});
