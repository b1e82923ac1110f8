import type { KitInput, KitSection } from "./kit-types";

/** Okta access policy defaults the kit recommends (DOMAIN.md: 15 min access tokens, rotated refresh tokens). */
export const OKTA_ACCESS_TOKEN_MINUTES = 15;
export const OKTA_REFRESH_WINDOW_MINUTES = 480;
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";

/** Okta: a custom authorization server with the resource's audience, scopes, a policy and the client apps. */
export function oktaSections(input: KitInput): KitSection[] {
  const r = input.resource;
  const domain = input.idp.domain ?? "<your Okta domain>";
  const serverId = input.idp.authServerId ?? "default";
  const scopes = r.scopes.map((s) => s.name);
  const server = `${r.name} (MCP)`;
  const audience = r.audiences[0] ?? "api://default";
  const grants = ["Authorization Code", "Client Credentials", ...(r.obo.length ? ["Token Exchange"] : [])];
  const sections: KitSection[] = [
    {
      id: "api",
      title: "Authorization server",
      steps: [
        {
          id: "okta.auth-server",
          title: "Use a custom authorization server (not the org server)",
          where: "Admin Console → Security → API → Authorization Servers → Add Authorization Server",
          actions: [
            `Name "${server}", Audience "${audience}", Description "Tokens for ${r.uri}".`,
            `Tokens of the org authorization server (issuer https://${domain}) are not meant for your APIs and cannot carry custom scopes: the issuer must contain /oauth2/.`,
            serverId === "default"
              ? 'This profile uses the "default" custom server: its audience must be changed to the value above, or create a dedicated server and update the IdP profile.'
              : `This profile expects the server id ${serverId}.`,
          ],
          values: [
            { label: "Audience", value: audience },
            { label: "Issuer", value: input.idp.issuers[0] ?? `https://${domain}/oauth2/${serverId}` },
            { label: "Metadata URI", value: input.idp.discoveryUrl },
          ],
          checks: ["discovery", "issuer", "jwks"],
        },
      ],
    },
    {
      id: "scopes",
      title: "Scopes and claims",
      steps: [
        {
          id: "okta.scopes",
          title: "Add each scope",
          where: `Authorization Servers → ${server} → Scopes → Add Scope`,
          actions: [
            ...r.scopes.map(
              (s) =>
                `Name "${s.name}", Display phrase "${s.description || s.name}", Description "${s.description || s.name} on ${r.name}", User consent: Implicit.`,
            ),
            'Tick "Include in public metadata" so MCP clients (and Verify) find the scopes in scopes_supported.',
          ],
          values: scopes.map((s) => ({ label: "Scope", value: s })),
          checks: ["scopes_published"],
        },
        {
          id: "okta.claims",
          title: "Claims",
          where: `Authorization Servers → ${server} → Claims`,
          actions: [
            "Nothing to add: Okta access tokens already carry scp (an array), cid (client id), uid and sub.",
            "Optional: an access-token claim mcp_allowed_tools narrows the tools a token may call (it never widens the allowlist).",
          ],
          values: [],
          checks: [],
          optional: true,
        },
      ],
    },
    {
      id: "token",
      title: "Access policy",
      steps: [
        {
          id: "okta.policy",
          title: "Access policy and rule",
          where: `Authorization Servers → ${server} → Access Policies → Add New Access Policy, then Add Rule`,
          actions: [
            `Policy "${r.name} MCP clients", assigned to the MCP client apps below.`,
            `Rule: Grant type ${grants.join(", ")}; Scopes: ${scopes.join(", ")}.`,
            `Access token lifetime is ${OKTA_ACCESS_TOKEN_MINUTES} minutes; Refresh token lifetime is unlimited but will expire if not used every ${OKTA_REFRESH_WINDOW_MINUTES / 60} hours.`,
          ],
          values: [
            { label: "Access token lifetime", value: `${OKTA_ACCESS_TOKEN_MINUTES} minutes` },
            { label: "Refresh token window", value: `${OKTA_REFRESH_WINDOW_MINUTES / 60} hours` },
          ],
          checks: [],
        },
      ],
    },
    {
      id: "clients",
      title: "Client applications",
      steps: [
        {
          id: "okta.client-app",
          title: "Interactive MCP client (PKCE)",
          where: "Applications → Applications → Create App Integration → OIDC - OpenID Connect → Native Application",
          actions: [
            "Grant type: Authorization Code and Refresh Token (never Implicit).",
            'Client authentication: None; tick "Require PKCE as additional verification".',
            'Refresh token behavior: "Rotate token after every use".',
            "Sign-in redirect URIs: the MCP client's callback (loopback, e.g. http://127.0.0.1/callback).",
          ],
          values: [{ label: "PKCE", value: "S256 (required)" }],
          checks: ["pkce_s256", "implicit_grant"],
        },
        {
          id: "okta.service-app",
          title: "Headless agents",
          where: "Applications → Applications → Create App Integration → API Services",
          actions: [
            "Client credentials only; grant the scopes through the access policy rule above.",
            "Okta supports dynamic client registration only through its API with an admin token: MCP clients that register themselves need a pre-created client id.",
          ],
          values: [],
          checks: ["dcr"],
          optional: true,
        },
      ],
    },
  ];
  if (r.obo.length > 0)
    sections.push({
      id: "obo",
      title: "Token exchange (on behalf of the user)",
      steps: [
        {
          id: "okta.token-exchange",
          title: "Enable Token Exchange for the MCP server",
          where: "Applications → (the MCP server's API Services app) → General → Grant type → Token Exchange",
          actions: [
            `Tick Token Exchange (${TOKEN_EXCHANGE_GRANT}) on the app and in the access policy rule.`,
            ...r.obo.map(
              (d) => `Downstream "${d.name}": scope ${d.scope}${d.audience ? `, audience ${d.audience}` : ""}.`,
            ),
          ],
          values: r.obo.map((d) => ({ label: `Downstream ${d.name}`, value: d.scope })),
          checks: ["token_exchange"],
        },
      ],
    });
  return sections;
}
