import { auth0Sections } from "./kit-auth0";
import { entraFacts, entraScope, entraSections } from "./kit-entra";
import { oidcSections } from "./kit-oidc";
import { oktaSections } from "./kit-okta";
import { IDP_LABEL, type Kit, type KitClientSide, type KitInput, type KitSection } from "./kit-types";

/**
 * The app-registration kit of one resource for its IdP: the IdP's own sections, then the MCP client
 * side (RFC 9728 metadata URL, scopes in the IdP's format, PKCE S256). Pure: same input, same kit.
 *
 * @example
 * const kit = buildKit(input); kit.sections.flatMap((s) => s.steps).map((s) => s.id)
 */
export function buildKit(input: KitInput): Kit {
  const client = clientSide(input);
  const idpSections: KitSection[] =
    input.idp.kind === "entra"
      ? entraSections(input)
      : input.idp.kind === "okta"
        ? oktaSections(input)
        : input.idp.kind === "auth0"
          ? auth0Sections(input)
          : oidcSections(input);
  const label = IDP_LABEL[input.idp.kind];
  return {
    kind: input.idp.kind,
    idpLabel: label,
    title: `${label} setup for ${input.resource.name}`,
    resource: { id: input.resource.id, name: input.resource.name, uri: input.resource.uri },
    summary: [
      { label: "Resource URI", value: input.resource.uri },
      { label: "IdP profile", value: input.idp.name },
      { label: "Issuer(s)", value: input.idp.issuers.join(", ") },
      { label: "Accepted audiences", value: input.resource.audiences.join(", ") },
      { label: "Scopes", value: input.resource.scopes.map((s) => s.name).join(", ") },
      { label: "Signing algorithms", value: input.resource.algorithms.join(", ") },
    ],
    sections: [...idpSections, mcpClientSection(client, input)],
    client,
  };
}

/** Scopes as an MCP client requests them from this IdP (Entra: full `api://…/scope` names). */
export function requestScopes(input: KitInput): string[] {
  const names = input.resource.scopes.map((s) => s.name);
  if (input.idp.kind !== "entra") return names;
  const { appIdUri } = entraFacts(input);
  return names.map((s) => entraScope(appIdUri, s));
}

function clientSide(input: KitInput): KitClientSide {
  const extra =
    input.idp.kind === "auth0"
      ? [{ label: "audience", value: input.resource.audiences[0] ?? input.resource.uri }]
      : input.idp.kind === "entra"
        ? []
        : [{ label: "resource (RFC 8707)", value: input.resource.uri }];
  return {
    metadataUrl: input.resource.metadataUrl,
    authorizationServers: input.idp.issuers,
    requestScopes: requestScopes(input),
    extraParameters: extra,
    pkce: "S256",
  };
}

function mcpClientSection(client: KitClientSide, input: KitInput): KitSection {
  return {
    id: "mcp-client",
    title: "MCP client side",
    steps: [
      {
        id: "mcp.metadata",
        title: "Discovery from the resource's metadata",
        where: null,
        actions: [
          "A client that gets 401 reads WWW-Authenticate resource_metadata, fetches this RFC 9728 document and then the authorization server's discovery document.",
          `The document lists authorization_servers ${client.authorizationServers.join(", ")}.`,
        ],
        values: [
          { label: "RFC 9728 metadata URL", value: client.metadataUrl },
          { label: "Authorization server", value: client.authorizationServers.join(", ") },
        ],
        checks: ["discovery"],
      },
      {
        id: "mcp.scopes",
        title: "Scopes to request",
        where: null,
        actions: [
          input.idp.kind === "entra"
            ? "Entra needs the full scope names (Application ID URI + scope); bare names are not recognised."
            : "Request the bare scope names.",
          ...client.extraParameters.map((p) => `Send ${p.label}=${p.value} on the authorization and token requests.`),
        ],
        values: [{ label: "scope", value: client.requestScopes.join(" ") }, ...client.extraParameters],
        checks: ["scopes_published"],
      },
      {
        id: "mcp.pkce",
        title: "PKCE S256",
        where: null,
        actions: [
          "Authorization code flow with code_challenge_method=S256 for every client; never plain, never the implicit grant.",
          "Persist the code verifier across the redirect (a lost verifier fails with invalid_grant).",
        ],
        values: [{ label: "code_challenge_method", value: "S256" }],
        checks: ["pkce_s256", "implicit_grant"],
      },
    ],
  };
}
