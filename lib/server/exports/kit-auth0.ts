import type { KitInput, KitSection } from "./kit-types";

/** 15 min access tokens (DOMAIN.md) instead of Auth0's 86,400 s default. */
export const AUTH0_TOKEN_LIFETIME_SEC = 900;

/** Auth0: an API (identifier = audience) with permissions, RBAC, the applications and token exchange. */
export function auth0Sections(input: KitInput): KitSection[] {
  const r = input.resource;
  const identifier = r.audiences[0] ?? r.uri;
  const scopes = r.scopes.map((s) => s.name);
  const api = `${r.name} (MCP)`;
  const sections: KitSection[] = [
    {
      id: "api",
      title: "Register the API",
      steps: [
        {
          id: "auth0.api",
          title: "Create the API",
          where: "Auth0 Dashboard → Applications → APIs → Create API",
          actions: [
            `Name "${api}", Identifier "${identifier}" (the audience: it cannot be changed later), JSON Web Token (JWT) Signing Algorithm: RS256.`,
            `Settings → Access Token Settings: Maximum Access Token Lifetime ${AUTH0_TOKEN_LIFETIME_SEC} seconds (the default is 86,400).`,
            input.idp.requireAtJwt
              ? 'JSON Web Token (JWT) Profile: "RFC 9068" (the IdP profile requires typ at+jwt).'
              : 'JSON Web Token (JWT) Profile: "Auth0" (or RFC 9068; then enable typ at+jwt on the IdP profile).',
            'Settings → Access Settings: "Allow Offline Access" on, so clients get refresh tokens.',
          ],
          values: [
            { label: "Identifier (audience)", value: identifier },
            { label: "Issuer (note the trailing slash)", value: input.idp.issuers[0] ?? "" },
          ],
          checks: ["discovery", "issuer", "jwks"],
        },
      ],
    },
    {
      id: "scopes",
      title: "Permissions",
      steps: [
        {
          id: "auth0.permissions",
          title: "Add each permission",
          where: `Applications → APIs → ${api} → Permissions → Add a Permission`,
          actions: r.scopes.map((s) => `Permission "${s.name}", Description "${s.description || s.name}".`),
          values: scopes.map((s) => ({ label: "Permission", value: s })),
          checks: ["scopes_published"],
        },
        {
          id: "auth0.rbac",
          title: "RBAC and permissions in the token",
          where: `Applications → APIs → ${api} → Settings → RBAC Settings`,
          actions: [
            'Turn on "Enable RBAC" and "Add Permissions in the Access Token": the token then carries a permissions array, which Portcullis reads with scope.',
            "Assign the permissions to users through roles (User Management → Roles).",
          ],
          values: [
            { label: "Token dialect", value: input.idp.requireAtJwt ? "rfc9068_profile_authz" : "access_token_authz" },
          ],
          checks: [],
        },
      ],
    },
    {
      id: "clients",
      title: "Applications",
      steps: [
        {
          id: "auth0.client-app",
          title: "Interactive MCP client (Native or Single Page Application)",
          where: "Applications → Applications → Create Application → Native",
          actions: [
            "Allowed Callback URLs: the MCP client's callback (loopback, e.g. http://127.0.0.1/callback).",
            "Advanced Settings → Grant Types: Authorization Code and Refresh Token only (never Implicit). Auth0 requires PKCE S256 for Native and SPA apps.",
            'Refresh Token Rotation: "Allow Refresh Token Rotation" on, reuse interval 0.',
            `Clients must send audience=${identifier} on /authorize (Auth0 otherwise issues an opaque token for /userinfo).`,
          ],
          values: [{ label: "audience parameter", value: identifier }],
          checks: ["pkce_s256", "implicit_grant"],
        },
        {
          id: "auth0.m2m-app",
          title: "Headless agents (Machine to Machine)",
          where: `Applications → APIs → ${api} → Machine To Machine Applications`,
          actions: [
            "Authorize the agent's M2M application and tick the permissions it may use (a client grant).",
            "Agent tokens carry gty client-credentials and sub {client id}@clients.",
          ],
          values: scopes.map((s) => ({ label: "Permission", value: s })),
          checks: [],
          optional: true,
        },
        {
          id: "auth0.dcr",
          title: "Dynamic client registration (optional)",
          where: "Settings → Advanced → OIDC Dynamic Application Registration",
          actions: [
            "Turn it on only if MCP clients should register themselves (RFC 7591); they then appear as third-party applications and need a domain-level connection.",
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
          id: "auth0.token-exchange",
          title: "Token exchange profile for the MCP server",
          where: "Actions → Token Exchange Profiles (Custom Token Exchange)",
          actions: [
            "Create a profile whose subject token type the MCP server sends, backed by an Action that validates the incoming token.",
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
