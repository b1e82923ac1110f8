import { type Block, block, hclFile, obj, raw, uniqueIdentifiers } from "./hcl";
import { AUTH0_TOKEN_LIFETIME_SEC } from "./kit-auth0";
import { entraFacts, entraScope } from "./kit-entra";
import { OKTA_ACCESS_TOKEN_MINUTES, OKTA_REFRESH_WINDOW_MINUTES, TOKEN_EXCHANGE_GRANT } from "./kit-okta";
import type { KitInput } from "./kit-types";

/**
 * Terraform for the resource's IdP (azuread, okta, auth0 providers), tenant-specific values as
 * variables whose defaults are this resource's values. Generic OIDC has no common provider: its file
 * holds the same facts as variables and outputs.
 */
export function kitToTerraform(input: KitInput): string {
  const header = [
    `Portcullis IdP kit for ${oneLine(input.resource.name)} (${input.resource.uri})`,
    "Review, then: terraform init && terraform plan. Tenant-specific values are variables.",
  ];
  switch (input.idp.kind) {
    case "entra":
      return hclFile(header, entra(input));
    case "okta":
      return hclFile(header, okta(input));
    case "auth0":
      return hclFile(header, auth0(input));
    case "oidc":
      return hclFile(
        [...header, "Generic OIDC: no Terraform provider is assumed; the values are outputs."],
        oidc(input),
      );
  }
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ");

function variable(name: string, description: string, type: string, dflt?: Block[string]): string[] {
  return block("variable", [name], { description, type: raw(type), default: dflt });
}

function providers(list: Record<string, { source: string; version: string }>): string[] {
  const entries = Object.fromEntries(Object.entries(list).map(([k, v]) => [k, obj(v)]));
  return block("terraform", [], { required_providers: entries });
}

function scopeDescription(s: { name: string; description: string }): string {
  return s.description || s.name;
}

function entra(input: KitInput): string[][] {
  const r = input.resource;
  const { appIdUri } = entraFacts(input);
  const ids = uniqueIdentifiers(
    r.scopes.map((s) => s.name),
    "scope_",
  );
  const scopeId = (i: number) => raw(`random_uuid.${ids[i]}.result`);
  const version = input.idp.tokenVersion === "v1" ? 1 : 2;
  return [
    providers({
      azuread: { source: "hashicorp/azuread", version: "~> 3.0" },
      random: { source: "hashicorp/random", version: "~> 3.6" },
    }),
    variable("tenant_id", "Directory (tenant) ID", "string", input.idp.tenantId ?? ""),
    variable("app_id_uri", "Application ID URI: the audience of v1 tokens and the scope prefix", "string", appIdUri),
    variable("display_name", "Display name of the API app registration", "string", `${oneLine(r.name)} (MCP API)`),
    variable("client_redirect_uris", "Redirect URIs of the interactive MCP client", "list(string)", [
      "http://localhost",
    ]),
    block("provider", ["azuread"], { tenant_id: raw("var.tenant_id") }),
    ...ids.map((id) => block("resource", ["random_uuid", id], {})),
    block("resource", ["azuread_application", "mcp_api"], {
      display_name: raw("var.display_name"),
      identifier_uris: [raw("var.app_id_uri")],
      sign_in_audience: "AzureADMyOrg",
      api: {
        requested_access_token_version: version,
        oauth2_permission_scope: r.scopes.map((s, i) => ({
          admin_consent_description: `${scopeDescription(s)} on ${oneLine(r.name)}`,
          admin_consent_display_name: scopeDescription(s),
          enabled: true,
          id: scopeId(i),
          type: "User",
          user_consent_description: `${scopeDescription(s)} on ${oneLine(r.name)}`,
          user_consent_display_name: scopeDescription(s),
          value: s.name,
        })),
      },
      web: { implicit_grant: { access_token_issuance_enabled: false, id_token_issuance_enabled: false } },
    }),
    block("resource", ["azuread_service_principal", "mcp_api"], {
      client_id: raw("azuread_application.mcp_api.client_id"),
    }),
    block("resource", ["azuread_application", "mcp_client"], {
      display_name: `${oneLine(r.name)} (MCP client)`,
      sign_in_audience: "AzureADMyOrg",
      fallback_public_client_enabled: true,
      public_client: { redirect_uris: raw("var.client_redirect_uris") },
      required_resource_access: {
        resource_app_id: raw("azuread_application.mcp_api.client_id"),
        resource_access: r.scopes.map((_, i) => ({ id: scopeId(i), type: "Scope" })),
      },
    }),
    // Entra has no dynamic client registration: pre-authorize the client so users see no consent prompt.
    block("resource", ["azuread_application_pre_authorized", "mcp_client"], {
      application_id: raw("azuread_application.mcp_api.id"),
      authorized_client_id: raw("azuread_application.mcp_client.client_id"),
      permission_ids: r.scopes.map((_, i) => scopeId(i)),
    }),
    block("output", ["api_client_id"], {
      description: "Add this to the resource's accepted audiences in Portcullis (aud of v2 tokens)",
      value: raw("azuread_application.mcp_api.client_id"),
    }),
    block("output", ["request_scopes"], {
      description: "Scopes as MCP clients request them",
      value: r.scopes.map((s) => entraScope(appIdUri, s.name)),
    }),
  ];
}

function okta(input: KitInput): string[][] {
  const r = input.resource;
  const ids = uniqueIdentifiers(r.scopes.map((s) => s.name));
  const grants = ["authorization_code", "client_credentials", ...(r.obo.length ? [TOKEN_EXCHANGE_GRANT] : [])];
  const [orgName, ...rest] = (input.idp.domain ?? "example.okta.com").split(".");
  return [
    providers({ okta: { source: "okta/okta", version: "~> 4.0" } }),
    variable("okta_org_name", "Okta org name (the first label of the domain)", "string", orgName ?? ""),
    variable("okta_base_url", "Okta base URL (okta.com, oktapreview.com…)", "string", rest.join(".")),
    variable(
      "audience",
      "Audience of the authorization server (the resource's accepted audience)",
      "string",
      r.audiences[0] ?? "",
    ),
    variable("client_redirect_uris", "Sign-in redirect URIs of the interactive MCP client", "list(string)", [
      "http://127.0.0.1/callback",
    ]),
    block("provider", ["okta"], { org_name: raw("var.okta_org_name"), base_url: raw("var.okta_base_url") }),
    block("resource", ["okta_auth_server", "mcp"], {
      name: `${oneLine(r.name)} (MCP)`,
      description: `Tokens for ${r.uri}`,
      audiences: [raw("var.audience")],
      issuer_mode: "ORG_URL",
      status: "ACTIVE",
    }),
    ...r.scopes.map((s, i) =>
      block("resource", ["okta_auth_server_scope", ids[i] ?? `scope_${i}`], {
        auth_server_id: raw("okta_auth_server.mcp.id"),
        name: s.name,
        display_name: scopeDescription(s),
        description: `${scopeDescription(s)} on ${oneLine(r.name)}`,
        consent: "IMPLICIT",
        metadata_publish: "ALL_CLIENTS",
      }),
    ),
    block("resource", ["okta_app_oauth", "mcp_client"], {
      label: `${oneLine(r.name)} (MCP client)`,
      type: "native",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: raw("var.client_redirect_uris"),
      token_endpoint_auth_method: "none",
      pkce_required: true,
      refresh_token_rotation: "ROTATE",
      refresh_token_leeway: 0,
    }),
    block("resource", ["okta_auth_server_policy", "mcp"], {
      auth_server_id: raw("okta_auth_server.mcp.id"),
      name: `${oneLine(r.name)} MCP clients`,
      description: "MCP clients of this resource",
      priority: 1,
      status: "ACTIVE",
      client_whitelist: [raw("okta_app_oauth.mcp_client.client_id")],
    }),
    block("resource", ["okta_auth_server_policy_rule", "mcp"], {
      auth_server_id: raw("okta_auth_server.mcp.id"),
      policy_id: raw("okta_auth_server_policy.mcp.id"),
      name: "MCP access",
      priority: 1,
      status: "ACTIVE",
      group_whitelist: ["EVERYONE"],
      grant_type_whitelist: grants,
      scope_whitelist: r.scopes.map((s) => s.name),
      access_token_lifetime_minutes: OKTA_ACCESS_TOKEN_MINUTES,
      refresh_token_window_minutes: OKTA_REFRESH_WINDOW_MINUTES,
    }),
    block("output", ["issuer"], {
      description: "Set this issuer on the Portcullis IdP profile",
      value: raw("okta_auth_server.mcp.issuer"),
    }),
  ];
}

function auth0(input: KitInput): string[][] {
  const r = input.resource;
  const dialect = input.idp.requireAtJwt ? "rfc9068_profile_authz" : "access_token_authz";
  return [
    providers({ auth0: { source: "auth0/auth0", version: "~> 1.0" } }),
    variable("auth0_domain", "Auth0 tenant domain", "string", input.idp.domain ?? ""),
    variable("api_identifier", "API identifier (the audience; cannot change later)", "string", r.audiences[0] ?? r.uri),
    variable("client_callbacks", "Allowed Callback URLs of the interactive MCP client", "list(string)", [
      "http://127.0.0.1/callback",
    ]),
    block("provider", ["auth0"], { domain: raw("var.auth0_domain") }),
    block("resource", ["auth0_resource_server", "mcp"], {
      name: `${oneLine(r.name)} (MCP)`,
      identifier: raw("var.api_identifier"),
      signing_alg: "RS256",
      // RBAC + "Add Permissions in the Access Token".
      enforce_policies: true,
      token_dialect: dialect,
      token_lifetime: AUTH0_TOKEN_LIFETIME_SEC,
      allow_offline_access: true,
      skip_consent_for_verifiable_first_party_clients: true,
    }),
    block("resource", ["auth0_resource_server_scopes", "mcp"], {
      resource_server_identifier: raw("auth0_resource_server.mcp.identifier"),
      scopes: r.scopes.map((s) => ({ name: s.name, description: scopeDescription(s) })),
    }),
    block("resource", ["auth0_client", "mcp_client"], {
      name: `${oneLine(r.name)} (MCP client)`,
      app_type: "native",
      callbacks: raw("var.client_callbacks"),
      grant_types: ["authorization_code", "refresh_token"],
      oidc_conformant: true,
      refresh_token: {
        rotation_type: "rotating",
        expiration_type: "expiring",
        leeway: 0,
        token_lifetime: 28800,
        idle_token_lifetime: 28800,
      },
    }),
    block("resource", ["auth0_client", "mcp_agent"], {
      name: `${oneLine(r.name)} (MCP agent)`,
      app_type: "non_interactive",
      grant_types: ["client_credentials"],
    }),
    block("resource", ["auth0_client_grant", "mcp_agent"], {
      client_id: raw("auth0_client.mcp_agent.id"),
      audience: raw("auth0_resource_server.mcp.identifier"),
      scopes: r.scopes.map((s) => s.name),
    }),
  ];
}

function oidc(input: KitInput): string[][] {
  const r = input.resource;
  return [
    variable("issuer", "Issuer (exact, trailing slash included)", "string", input.idp.issuers[0] ?? ""),
    variable("audiences", "Accepted audiences", "list(string)", r.audiences),
    variable(
      "scopes",
      "Scopes to define on the provider",
      "list(string)",
      r.scopes.map((s) => s.name),
    ),
    block("output", ["resource_metadata_url"], { value: r.metadataUrl }),
    block("output", ["issuer"], { value: raw("var.issuer") }),
    block("output", ["audiences"], { value: raw("var.audiences") }),
    block("output", ["scopes"], { value: raw("var.scopes") }),
  ];
}
