/**
 * What the live demo configures in the control plane, as admin input (the same shapes the dashboard's forms and the
 * REST API take): an Entra-shaped IdP profile pointing at the loopback test IdP, the sample MCP server as a resource
 * with its scopes, allowlist and rate limits, and the mail API the `send_email` tool calls on behalf of the user.
 */
import { DEFAULT_METHOD_SCOPES, RateLimits } from "../../../lib/enforcer/policy.js";
import type { CreateIdpProfileInput } from "../../../lib/schemas/idp-profiles.js";
import {
  BASE_SCOPES,
  type CreateResourceInput,
  DownstreamDef,
  type UpdatePolicyInput,
  type UpdateToolsInput,
} from "../../../lib/schemas/resources.js";

/** What the running IdP and ports are (passed to the seed process as DEMO_SEED). */
export interface SeedInput {
  tenantId: string;
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  tokenEndpoint: string;
  audience: string;
  resourceUri: string;
  /** The credential kept from an earlier run, if any. */
  credential?: string;
}

export const DEMO_PROFILE_NAME = "Demo IdP (Entra-shaped, loopback)";
export const DEMO_RESOURCE_NAME = "demo-crm";
/** The environment variable the enforcer reads the OBO client secret from (never part of a bundle). */
export const DEMO_OBO_SECRET_ENV = "PORTCULLIS_OBO_DEMO_MAIL";
export const DEMO_DOWNSTREAM = "mail-api";
export const DEMO_DOWNSTREAM_AUDIENCE = "api://demo-mail";

export function demoProfile(s: SeedInput): CreateIdpProfileInput & { issuers: string[]; jwksUri: string } {
  return {
    name: DEMO_PROFILE_NAME,
    kind: "entra",
    tenantId: s.tenantId,
    tokenVersion: "v2",
    // The tenant's real issuer is login.microsoftonline.com: the loopback IdP is named by override.
    issuers: [s.issuer],
    discoveryUrl: s.discoveryUrl,
    jwksUri: s.jwksUri,
  };
}

export function demoResource(s: SeedInput, idpProfileId: string): CreateResourceInput {
  return {
    name: DEMO_RESOURCE_NAME,
    uri: s.resourceUri,
    idpProfileId,
    audiences: [s.audience],
    algorithms: ["RS256"],
    clockToleranceSec: 30,
    maxTokenLifetimeSec: 86_400,
    allowedOrigins: [],
  };
}

/**
 * DOMAIN.md's scopes and limits (100 tool calls a minute per user, which the traffic's burst exceeds), except new
 * tokens: the demo's agents renew their 5-minute tokens every 4 minutes, 15 an hour, over the default 10.
 */
export function demoPolicy(): Omit<UpdatePolicyInput, "id"> {
  return {
    scopes: BASE_SCOPES.map((s) => ({ ...s })),
    methods: DEFAULT_METHOD_SCOPES,
    rateLimits: RateLimits.parse({ tokenRefreshPerHour: 30 }),
  };
}

/** The allowlist: `delete_records` needs mcp:tools:admin (a step-up); `run_shell` is not listed, so it is refused. */
export function demoTools(): Omit<UpdateToolsInput, "id"> {
  const tool = (name: string, description: string, scopes: string[] = []) => ({
    name,
    enabled: true,
    scopes,
    description,
  });
  return {
    tools: [
      tool("query_database", "Runs a read-only SQL query against the CRM database"),
      tool("read_file", "Reads a document from the shared drive"),
      tool("send_email", "Sends an e-mail through the mail API, as the user (OBO)"),
      tool("delete_records", "Deletes CRM records", ["mcp:tools:admin"]),
    ],
    unlistedTools: "deny",
  };
}

export function demoDownstreams(s: SeedInput): DownstreamDef[] {
  return [
    DownstreamDef.parse({
      name: DEMO_DOWNSTREAM,
      grant: "entra_obo",
      scope: `${DEMO_DOWNSTREAM_AUDIENCE}/.default`,
      tokenEndpoint: s.tokenEndpoint,
      clientId: "portcullis-obo",
      clientAuth: "client_secret_basic",
      secretFrom: { env: DEMO_OBO_SECRET_ENV },
    }),
  ];
}
