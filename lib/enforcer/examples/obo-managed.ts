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
  downstreams: () => config.policy()?.obo ?? [],
  // Reads $GRAPH_OBO_SECRET (or the file) named by the policy, or signs a private_key_jwt assertion.
  credentials: (downstream) => oboCredentialsFromPolicy(downstream),
  sink: noopSink, // or the telemetry client, so the OBO panel has data
});
