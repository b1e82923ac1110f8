import type { KitInput, KitSection } from "./kit-types";

/** Generic OIDC: the same facts as the named IdPs, without screen names. */
export function oidcSections(input: KitInput): KitSection[] {
  const r = input.resource;
  const scopes = r.scopes.map((s) => s.name);
  const sections: KitSection[] = [
    {
      id: "api",
      title: "Resource server",
      steps: [
        {
          id: "oidc.resource",
          title: "Register the MCP server as a resource (API)",
          where: null,
          actions: [
            `Issue JWT access tokens (not opaque tokens) for this resource, signed with ${r.algorithms.join(" or ")}.`,
            `The aud claim must be exactly one of: ${r.audiences.join(", ")}.`,
            `The iss claim must be exactly ${input.idp.issuers.join(" or ")} (byte for byte, trailing slash included).`,
          ],
          values: [
            { label: "Audience", value: r.audiences.join(", ") },
            { label: "Issuer", value: input.idp.issuers.join(", ") },
            { label: "Discovery", value: input.idp.discoveryUrl },
          ],
          checks: ["discovery", "issuer", "jwks"],
        },
        {
          id: "oidc.scopes",
          title: "Define the scopes",
          where: null,
          actions: [
            ...r.scopes.map((s) => `Scope "${s.name}": ${s.description || s.name}.`),
            "Put granted scopes in the scope claim (space-separated) and publish them in scopes_supported.",
          ],
          values: scopes.map((s) => ({ label: "Scope", value: s })),
          checks: ["scopes_published"],
        },
        {
          id: "oidc.token-lifetime",
          title: "Token lifetime",
          where: null,
          actions: [
            "Access tokens at most 15 minutes; refresh tokens one-time use, rotated on each refresh.",
            input.idp.requireAtJwt
              ? "Tokens must carry the header typ at+jwt (RFC 9068)."
              : "The header typ may be JWT or at+jwt (RFC 9068).",
          ],
          values: [],
          checks: [],
        },
      ],
    },
    {
      id: "clients",
      title: "Clients",
      steps: [
        {
          id: "oidc.client",
          title: "Register the MCP clients",
          where: null,
          actions: [
            "Authorization code with PKCE S256 only; no implicit grant, no plain PKCE; exact redirect URI match.",
            "Headless agents: client credentials with only the scopes they need.",
            "If the provider offers dynamic client registration (RFC 7591), MCP clients can register themselves; otherwise pre-register them.",
          ],
          values: [],
          checks: ["pkce_s256", "implicit_grant", "dcr"],
        },
      ],
    },
  ];
  if (r.obo.length > 0)
    sections.push({
      id: "obo",
      title: "Token exchange",
      steps: [
        {
          id: "oidc.token-exchange",
          title: "Allow RFC 8693 token exchange for the MCP server",
          where: null,
          actions: r.obo.map(
            (d) => `Downstream "${d.name}": scope ${d.scope}${d.audience ? `, audience ${d.audience}` : ""}.`,
          ),
          values: r.obo.map((d) => ({ label: `Downstream ${d.name}`, value: d.scope })),
          checks: ["token_exchange"],
        },
      ],
    });
  return sections;
}
