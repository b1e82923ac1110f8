import { randomBytes } from "node:crypto";
import Provider, { type ClientMetadata, type Configuration, type JwtCustomizer } from "oidc-provider";
import { createMemoryAdapter } from "./adapter.js";
import { JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT } from "./exchange-grant.js";
import type { KeyRing } from "./keys.js";
import { type IdpShape, normalizeScopes, routesFor, shapeAccessToken } from "./token-shapes.js";

export interface AccountClaims {
  email?: string;
  name?: string;
  groups?: string[];
}

export interface ProviderSettings {
  shape: IdpShape;
  issuer: string;
  tenantId: string;
  audience: string;
  audienceMode: "resource" | "fixed";
  scopes: string[];
  clients: ClientMetadata[];
  accounts: Record<string, AccountClaims>;
  keys: KeyRing;
  accessTokenTtlSec: number;
}

/** Static clients every test IdP knows (the control plane's Playwright test and the agents rely on these ids). */
export function builtInClients(adminRedirectUris: string[]): ClientMetadata[] {
  return [
    {
      client_id: "portcullis-admin",
      client_secret: "portcullis-admin-secret",
      redirect_uris: adminRedirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      scope: "openid email profile groups",
    },
    {
      client_id: "agent-1",
      client_secret: "agent-1-secret",
      redirect_uris: [],
      grant_types: ["client_credentials"],
      response_types: [],
    },
    {
      // A middle-tier API (an MCP server calling a downstream API as the user).
      client_id: "portcullis-obo",
      client_secret: "portcullis-obo-secret",
      redirect_uris: [],
      grant_types: ["client_credentials", TOKEN_EXCHANGE_GRANT, JWT_BEARER_GRANT],
      response_types: [],
    },
  ];
}

function jwtCustomizer(s: ProviderSettings): JwtCustomizer {
  return (_ctx, token, jwt) => {
    const p = jwt.payload;
    const audience = (p.aud ?? s.audience) as string | string[];
    const raw = typeof p.scope === "string" ? p.scope.split(" ").filter(Boolean) : [];
    const shaped = shapeAccessToken({
      shape: s.shape,
      issuer: s.issuer,
      tenantId: s.tenantId,
      sub: token.kind === "ClientCredentials" ? undefined : String(p.sub),
      clientId: String(p.client_id),
      scopes: normalizeScopes(s.shape, raw, audience, s.scopes),
      audience,
      jti: String(p.jti),
      iat: Number(p.iat),
      exp: Number(p.exp),
    });
    jwt.header = shaped.header;
    // Keep sender-constraint confirmation (RFC 9449 / RFC 8705 `cnf`) if the provider added one.
    jwt.payload = p.cnf === undefined ? shaped.payload : { ...shaped.payload, cnf: p.cnf };
  };
}

/** Scopes a resource server accepts; Entra clients may also ask for `{app id uri}/{scope}` and `/.default`. */
function resourceScopes(s: ProviderSettings, audience: string): string {
  if (s.shape !== "entra") return s.scopes.join(" ");
  return [...s.scopes, ...s.scopes.map((x) => `${audience}/${x}`), `${audience}/.default`].join(" ");
}

export function createProvider(s: ProviderSettings): Provider {
  const account = (id: string) => {
    const known = s.accounts[id] ?? {};
    const email = known.email ?? `${id}@example.test`;
    return {
      sub: id,
      email,
      email_verified: true,
      name: known.name ?? id,
      preferred_username: email,
      groups: known.groups ?? [],
    };
  };
  const configuration: Configuration = {
    adapter: createMemoryAdapter(),
    clients: s.clients,
    jwks: { keys: [s.keys.providerKey()] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    routes: routesFor(s.shape),
    // API scopes are listed too: registration rejects a client `scope` naming unknown values, and
    // MCP clients register with the scope from the resource's challenge.
    scopes: ["openid", "offline_access", "email", "profile", "groups", ...resourceScopes(s, s.audience).split(" ")],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => account(id) }),
    // A custom claim needs its own scope entry, or the provider silently drops it (STACK.md).
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
      groups: ["groups"],
    },
    // next-auth reads the profile from the ID token alone; without this only `sub` is in it.
    conformIdTokenClaims: false,
    clientDefaults: { id_token_signed_response_alg: s.keys.alg },
    pkce: { required: () => true },
    rotateRefreshToken: () => true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) =>
      client.grantTypeAllowed("refresh_token"),
    ttl: {
      AccessToken: s.accessTokenTtlSec,
      ClientCredentials: s.accessTokenTtlSec,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 86_400,
      Session: 86_400,
      RefreshToken: 86_400,
    },
    formats: { customizers: { jwt: jwtCustomizer(s) } },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      registration: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: false },
      externalSigningSupport: { enabled: true, ack: "experimental-01" },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf ?? s.audience,
        // Code-flow tokens are always for the granted API, so every access token is a JWT.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          // RFC 8707 §2: the audience is the resource; Entra instead always names the API app.
          const audience = s.audienceMode === "fixed" ? s.audience : resource;
          return {
            scope: resourceScopes(s, audience),
            audience,
            accessTokenFormat: "jwt",
            accessTokenTTL: s.accessTokenTtlSec,
            jwt: { sign: { alg: s.keys.alg } },
          };
        },
      },
    },
  };
  return new Provider(s.issuer, configuration);
}
