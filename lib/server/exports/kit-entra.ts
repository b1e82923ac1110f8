import type { KitInput, KitSection } from "./kit-types";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The facts an Entra kit needs, read from the resource's audiences (DOMAIN.md: v2 aud = client id, v1 aud = App ID URI). */
export function entraFacts(input: KitInput): { appIdUri: string; clientId: string | null; tenant: string } {
  const auds = input.resource.audiences;
  const clientId = auds.find((a) => GUID.test(a)) ?? null;
  const uri = auds.find((a) => !GUID.test(a) && (a.startsWith("api://") || a.startsWith("https://")));
  return {
    appIdUri: uri ?? (clientId ? `api://${clientId}` : `api://${input.resource.name}`),
    clientId,
    tenant: input.idp.tenantId ?? "<tenant id>",
  };
}

/** Entra requests scopes by their full name: `{App ID URI}/{scope}` (DOMAIN.md "Scopes"). */
export function entraScope(appIdUri: string, scope: string): string {
  return `${appIdUri.replace(/\/+$/, "")}/${scope}`;
}

/** Entra ID: the API app registration, its scopes and token version, the client apps and OBO. */
export function entraSections(input: KitInput): KitSection[] {
  const { appIdUri, clientId, tenant } = entraFacts(input);
  const r = input.resource;
  const v = input.idp.tokenVersion ?? "v2";
  const app = `${r.name} (MCP API)`;
  const clientIdText = clientId ?? "the Application (client) ID shown on the Overview page";
  const scopes = r.scopes.map((s) => s.name);
  const sections: KitSection[] = [
    {
      id: "api",
      title: "Register the API",
      steps: [
        {
          id: "entra.register-api",
          title: "Register the MCP server as an API",
          where: "Microsoft Entra admin center → Identity → Applications → App registrations → New registration",
          actions: [
            `Name: "${app}". Supported account types: "Accounts in this organizational directory only (Single tenant)".`,
            "Leave Redirect URI empty: the API never signs anyone in.",
            `After Register, copy the Application (client) ID from Overview${clientId ? ` (Portcullis expects ${clientId})` : " and add it to the resource's accepted audiences in Portcullis: v2 tokens carry it as aud"}.`,
          ],
          values: [
            { label: "Directory (tenant) ID", value: tenant },
            { label: "Application (client) ID", value: clientIdText },
          ],
          checks: ["discovery", "issuer"],
        },
        {
          id: "entra.app-id-uri",
          title: "Set the Application ID URI",
          where: `App registrations → ${app} → Expose an API → Application ID URI → Add`,
          actions: [
            `Set the Application ID URI to exactly ${appIdUri} (it is the audience of v1 tokens and the prefix of every scope a client requests).`,
            "Entra refuses RFC 8707 resource values it does not know (AADSTS9010010): clients must request the scopes below, not the resource URI.",
          ],
          values: [
            { label: "Application ID URI", value: appIdUri },
            { label: "Accepted audiences in Portcullis", value: r.audiences.join(", ") },
          ],
          checks: [],
        },
      ],
    },
    {
      id: "scopes",
      title: "Scopes",
      steps: [
        {
          id: "entra.expose-scopes",
          title: "Expose an API: add each scope",
          where: `App registrations → ${app} → Expose an API → Add a scope`,
          actions: r.scopes.map(
            (s) =>
              `Scope name "${s.name}", Who can consent: "Admins and users", Admin consent display name "${s.description || s.name}", Admin consent description "${s.description || s.name} on ${r.name}", User consent display name "${s.description || s.name}", State: Enabled.`,
          ),
          values: scopes.map((s) => ({ label: `Full scope ${s}`, value: entraScope(appIdUri, s) })),
          checks: [],
        },
        {
          id: "entra.app-roles",
          title: "App roles for agents without a user (optional)",
          where: `App registrations → ${app} → App roles → Create app role`,
          actions: [
            'For each scope headless agents need: Allowed member types "Applications", Value = the scope name, Enabled.',
            "App-only tokens carry them in roles (no scp); Portcullis counts those roles as scopes.",
          ],
          values: scopes.map((s) => ({ label: "App role value", value: s })),
          checks: [],
          optional: true,
        },
      ],
    },
    {
      id: "token",
      title: "Token version and lifetime",
      steps: [
        {
          id: "entra.token-version",
          title: "Access token version",
          where: `App registrations → ${app} → Manifest`,
          actions:
            v === "v1"
              ? [
                  'Leave "requestedAccessTokenVersion" (AAD Graph manifest: "accessTokenAcceptedVersion") at null or 1: the profile expects v1 tokens.',
                  `v1 tokens are issued by https://sts.windows.net/${tenant}/ with aud = ${appIdUri}.`,
                ]
              : [
                  'Set "api": { "requestedAccessTokenVersion": 2 } (AAD Graph manifest: "accessTokenAcceptedVersion": 2) and Save.',
                  `Without it Entra issues v1 tokens (iss https://sts.windows.net/${tenant}/) even from the v2.0 endpoint, and every token fails the issuer check${v === "both" ? " unless the profile accepts both versions, as it does now" : ""}.`,
                ],
          values: [
            { label: "requestedAccessTokenVersion", value: v === "v1" ? "1" : "2" },
            { label: "Expected issuer(s)", value: input.idp.issuers.join(", ") },
          ],
          checks: ["token_version", "jwks"],
        },
        {
          id: "entra.token-lifetime",
          title: "Access token lifetime",
          where: "Conditional Access → Session → Sign-in frequency (or a token lifetime policy via Microsoft Graph)",
          actions: [
            "Entra issues 60–90 minute access tokens by default; keep them short-lived and rely on refresh tokens.",
            r.maxTokenLifetimeSec > 0
              ? `Portcullis refuses tokens that live longer than ${r.maxTokenLifetimeSec} s (exp − iat).`
              : "Portcullis does not cap the token lifetime for this resource.",
          ],
          values: [],
          checks: [],
          optional: true,
        },
      ],
    },
    {
      id: "clients",
      title: "Client applications",
      steps: [
        {
          id: "entra.public-client",
          title: "Register the interactive MCP client (public client with PKCE)",
          where:
            "App registrations → New registration → Authentication → Add a platform → Mobile and desktop applications",
          actions: [
            'Redirect URI: the MCP client\'s loopback URI (e.g. http://localhost) or its own; "Allow public client flows": Yes.',
            "Do not enable Implicit grant (Access tokens / ID tokens) under Authentication: MCP clients use the authorization code flow with PKCE S256.",
            `API permissions → Add a permission → My APIs → ${app} → Delegated permissions: ${scopes.join(", ")}.`,
          ],
          values: scopes.map((s) => ({ label: "Delegated permission", value: entraScope(appIdUri, s) })),
          checks: ["pkce_s256", "implicit_grant"],
        },
        {
          id: "entra.known-clients",
          title: "Pre-authorize the clients (Entra has no dynamic client registration)",
          where: `App registrations → ${app} → Expose an API → Authorized client applications → Add a client application`,
          actions: [
            "Add each MCP client's Application (client) ID and tick the scopes it may use, so users are not asked to consent.",
            'For a client that also calls this API as a middle tier, add it to "knownClientApplications" in the manifest.',
            "MCP clients that expect to register themselves (RFC 7591) cannot do so against Entra: give them a pre-registered client id.",
          ],
          values: [{ label: "Scopes to tick", value: scopes.map((s) => entraScope(appIdUri, s)).join(" ") }],
          checks: ["dcr"],
        },
        {
          id: "entra.admin-consent",
          title: "Grant admin consent",
          where: "Enterprise applications → (client app) → Permissions → Grant admin consent for the tenant",
          actions: [
            "Grant consent for the delegated permissions above, so first use does not fail with interaction_required.",
          ],
          values: [{ label: "Tenant", value: tenant }],
          checks: [],
        },
      ],
    },
  ];
  if (r.obo.length > 0)
    sections.push({
      id: "obo",
      title: "On-behalf-of downstream APIs",
      steps: [
        {
          id: "entra.obo-client",
          title: "Make the MCP API a confidential client for OBO",
          where: `App registrations → ${app} → Certificates & secrets, then API permissions`,
          actions: [
            "Add a certificate (preferred) or a client secret: the OBO request (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, requested_token_use=on_behalf_of) authenticates the API itself.",
            ...r.obo.map((d) => `API permissions → Add a permission for downstream "${d.name}": ${d.scope}.`),
            "Grant admin consent for these permissions: OBO cannot show a consent prompt (consent_required / interaction_required otherwise).",
          ],
          values: r.obo.map((d) => ({ label: `Downstream ${d.name}`, value: d.scope })),
          checks: ["token_exchange"],
        },
      ],
    });
  return sections;
}
