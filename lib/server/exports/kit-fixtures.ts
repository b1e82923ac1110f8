import type { IdpKind } from "@/lib/enforcer/policy";
import type { KitInput } from "./kit-types";

/** One fixed resource on each IdP kind: the snapshot tests and the README examples use it. */
export function fixtureKitInput(kind: IdpKind, opts: { obo?: boolean } = {}): KitInput {
  const tenant = "11111111-2222-4333-8444-555555555555";
  const apiClientId = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  const audiences: Record<IdpKind, string[]> = {
    entra: [apiClientId, "api://files-mcp"],
    okta: ["api://files-mcp"],
    auth0: ["https://mcp.example.com/files"],
    oidc: ["https://mcp.example.com/files"],
  };
  const idp: Record<IdpKind, KitInput["idp"]> = {
    entra: {
      kind: "entra",
      name: "Contoso Entra",
      issuers: [`https://login.microsoftonline.com/${tenant}/v2.0`],
      discoveryUrl: `https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration`,
      jwksUri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
      tenantId: tenant,
      tokenVersion: "v2",
      requireAtJwt: false,
    },
    okta: {
      kind: "okta",
      name: "Acme Okta",
      issuers: ["https://acme.okta.com/oauth2/aus1files"],
      discoveryUrl: "https://acme.okta.com/oauth2/aus1files/.well-known/openid-configuration",
      jwksUri: "https://acme.okta.com/oauth2/aus1files/v1/keys",
      domain: "acme.okta.com",
      authServerId: "aus1files",
      requireAtJwt: false,
    },
    auth0: {
      kind: "auth0",
      name: "Acme Auth0",
      issuers: ["https://acme.eu.auth0.com/"],
      discoveryUrl: "https://acme.eu.auth0.com/.well-known/openid-configuration",
      jwksUri: "https://acme.eu.auth0.com/.well-known/jwks.json",
      domain: "acme.eu.auth0.com",
      requireAtJwt: false,
    },
    oidc: {
      kind: "oidc",
      name: "Keycloak",
      issuers: ["https://sso.example.com/realms/mcp"],
      discoveryUrl: "https://sso.example.com/realms/mcp/.well-known/openid-configuration",
      jwksUri: "https://sso.example.com/realms/mcp/protocol/openid-connect/certs",
      requireAtJwt: false,
    },
  };
  return {
    resource: {
      id: "res_files",
      name: "files",
      uri: "https://mcp.example.com/files",
      metadataUrl: "https://mcp.example.com/.well-known/oauth-protected-resource/files",
      audiences: audiences[kind],
      scopes: [
        { name: "mcp:tools", description: "Invoke tools" },
        { name: "mcp:resources", description: "Read resources" },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an admin may type it; the exports must escape it
        { name: "files:admin", description: 'Manage "shared" files ${not a template}' },
      ],
      algorithms: ["RS256"],
      maxTokenLifetimeSec: 3600,
      obo: opts.obo
        ? [
            {
              name: "graph",
              grant: kind === "entra" ? "entra_obo" : "token_exchange",
              scope: "https://graph.microsoft.com/Files.Read",
            },
          ]
        : [],
    },
    idp: idp[kind],
  };
}
