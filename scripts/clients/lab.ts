/**
 * A lab for real MCP clients (issue 20): the demo's sample server (SDK McpServer: read_file, search,
 * delete_file) behind the enforcer, and the test IdP (oidc-provider, generic OIDC shape, RFC 8707 audience).
 * `delete_file` needs `mcp:tools:admin`, so a client that signs in with the baseline scope has to step up.
 *
 * oidc-provider holds a client that registered a `scope` to that list (its authorization endpoint answers
 * `invalid_scope` for anything else), which is the "IdP limits clients to their registered scopes" setting.
 */
import { type ClientMetadata, startTestIdp, type TestIdp } from "../../e2e/idp/test-idp.js";
import {
  createEnforcer,
  createRecordingSink,
  EnforcerPolicy,
  type EnforcerPolicyInput,
  type RecordingSink,
} from "../../lib/enforcer/index.js";
import { startDemoServer } from "../demo/mcp-server.js";

export interface ClientLab {
  idp: TestIdp;
  resourceUri: string;
  policy: EnforcerPolicy;
  /** Decisions the enforcer made (outcome, reason, tool), for assertions. */
  sink: RecordingSink;
  close(): Promise<void>;
}

export interface ClientLabOptions {
  /** Pre-registered clients of the IdP. */
  clients?: ClientMetadata[];
  /** Browser origins the policy allows (the Playwright page). */
  allowedOrigins?: string[];
  serverPort?: number;
  idpPort?: number;
  /** Policy fields over the lab's own (e.g. `baselineScopes`). */
  policy?: Partial<EnforcerPolicyInput>;
}

/** Starts the IdP and the protected sample server on loopback. @example const lab = await startClientLab(); */
export async function startClientLab(opts: ClientLabOptions = {}): Promise<ClientLab> {
  const idp = await startTestIdp({ shape: "oidc", port: opts.idpPort ?? 0, clients: opts.clients ?? [] });
  const server = await startDemoServer(opts.serverPort ?? 0);
  const resourceUri = server.url("/mcp");
  const policy = EnforcerPolicy.parse({
    resource: { uri: resourceUri, name: "files", allowedOrigins: opts.allowedOrigins ?? [] },
    idp: {
      kind: "oidc",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [resourceUri],
      authorizationServers: [idp.issuer],
    },
    tools: [{ name: "read_file" }, { name: "search" }, { name: "delete_file", scopes: ["mcp:tools:admin"] }],
    ...opts.policy,
  });
  const sink = createRecordingSink();
  server.protect(createEnforcer({ policy, sink }));
  return {
    idp,
    resourceUri,
    policy,
    sink,
    async close() {
      await server.close();
      await idp.close();
    },
  };
}

/** The `scope` parameter of an authorization URL, split. @example scopesOf(url) // ["mcp:tools"] */
export function scopesOf(authorizationUrl: URL | string): string[] {
  return (new URL(authorizationUrl).searchParams.get("scope") ?? "").split(" ").filter(Boolean);
}
