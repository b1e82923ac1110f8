/**
 * The request both telemetry-latency benches send: a `tools/call` with a valid RS256 token of the test
 * policy's issuer and audience (one token, so every request after the first is a verified-token cache hit).
 */

import { MODERN_REVISION } from "../../lib/enforcer/mcp/revision";
import { createTestKey, signJws, type TestKey } from "../../lib/enforcer/test-utils/keys";
import { TEST_AUDIENCE, TEST_ISSUER } from "../../lib/enforcer/test-utils/policy";

/** An MCP request: its headers (the bearer token included) and its body. */
export interface BenchRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * A fresh key, a token signed by it, and the MCP request's headers and body (a 2025-11-25 request), with
 * `modern`, the same call as a 2026-07-28 client sends it: the revision, the client's own description
 * (`clientInfo`) and its capabilities in every request's `_meta`, and the `Mcp-Method`/`Mcp-Name` headers.
 *
 * @example const call = benchCall();
 */
export function benchCall(): { key: TestKey; headers: Record<string, string>; body: string; modern: BenchRequest } {
  const key = createTestKey("RS256");
  const now = Math.floor(Date.now() / 1000);
  const token = signJws(
    { alg: "RS256", kid: key.kid, typ: "JWT" },
    {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      sub: "alice",
      azp: "agent-1",
      scope: "mcp:tools",
      iat: now,
      exp: now + 3600,
    },
    key.privateKey,
  );
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "read_file", arguments: {} },
  });
  const headers = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json",
    "mcp-protocol-version": "2025-11-25",
  };
  const modern: BenchRequest = {
    headers: {
      ...headers,
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": MODERN_REVISION,
      "mcp-method": "tools/call",
      "mcp-name": "read_file",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "read_file",
        arguments: {},
        _meta: {
          "io.modelcontextprotocol/protocolVersion": MODERN_REVISION,
          "io.modelcontextprotocol/clientInfo": { name: "Claude Desktop", version: "2.4.1" },
          "io.modelcontextprotocol/clientCapabilities": {},
        },
      },
    }),
  };
  return { key, headers, body, modern };
}
