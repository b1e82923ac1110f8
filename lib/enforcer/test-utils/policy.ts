/** A test policy for a JWKS on loopback. Test-only. */
import { EnforcerPolicy, type EnforcerPolicyInput } from "../policy.js";

export const TEST_ISSUER = "https://idp.test/";
export const TEST_AUDIENCE = "api://mcp";
export const TEST_RESOURCE = "https://mcp.example.com/mcp";

/**
 * Builds a parsed policy with two tools (`read_file`, `write_file` needing `files:write`) and a
 * disabled one (`delete_file`).
 *
 * @example
 * const policy = testPolicy(jwks.url, { unlistedTools: "allow" });
 */
export function testPolicy(jwksUri: string, overrides: Partial<EnforcerPolicyInput> = {}): EnforcerPolicy {
  return EnforcerPolicy.parse({
    resource: { uri: TEST_RESOURCE, name: "files", documentationUrl: "https://docs.example.com/mcp" },
    idp: {
      kind: "auth0",
      issuers: [TEST_ISSUER],
      jwksUri,
      audiences: [TEST_AUDIENCE],
      authorizationServers: [TEST_ISSUER],
    },
    tools: [
      { name: "read_file" },
      { name: "write_file", scopes: ["files:write"] },
      { name: "delete_file", enabled: false },
    ],
    // Raw test requests carry no MCP-Protocol-Version: this resource also serves pre-2025-06-18 clients (the
    // default refuses them; mcp/revision-2026.test.ts tests that).
    protocol: { oldestRevision: "2025-03-26" },
    ...overrides,
  });
}
