import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClientMetadata } from "oidc-provider";
import { registerExchangeGrants } from "./exchange-grant.js";
import { KeyRing } from "./keys.js";
import { type AccountClaims, builtInClients, createProvider } from "./provider-config.js";
import {
  DEFAULT_ENTRA_TENANT,
  defaultAudienceFor,
  type IdpShape,
  issuerFor,
  mergeClaims,
  shapeAccessToken,
} from "./token-shapes.js";

export type { ClientMetadata } from "oidc-provider";
export type { AccountClaims } from "./provider-config.js";
export type { IdpShape } from "./token-shapes.js";

export const DEFAULT_SCOPES = [
  "mcp:tools",
  "mcp:resources",
  "mcp:prompts",
  "mcp:tools:read",
  "mcp:tools:execute",
  "mcp:tools:admin",
];
export const DEFAULT_ADMIN_REDIRECT_URI = "http://127.0.0.1:3100/api/auth/callback/oidc";

export interface StartTestIdpOptions {
  shape?: IdpShape;
  port?: number;
  tenantId?: string;
  audience?: string;
  /** "resource": aud = requested resource indicator (RFC 8707); "fixed": always `audience` (Entra). */
  audienceMode?: "resource" | "fixed";
  scopes?: string[];
  clients?: ClientMetadata[];
  accounts?: Record<string, AccountClaims>;
  adminRedirectUris?: string[];
  keyAlg?: "RS256" | "ES256";
  accessTokenTtlSec?: number;
  /**
   * Fields replaced in the discovery document (an `undefined` value removes the field), to mimic an
   * IdP that, say, does not advertise PKCE S256: `{ code_challenge_methods_supported: undefined }`.
   */
  discoveryOverrides?: Record<string, unknown>;
}

export interface MintAccessTokenOptions {
  /** Default "alice"; ignored when `appOnly`. */
  sub?: string;
  /** A client-credentials token (Entra `roles`, Auth0 `gty`, sub = client). */
  appOnly?: boolean;
  scopes?: string[];
  audience?: string | string[];
  clientId?: string;
  /** Negative values mint an already expired token. */
  expiresInSec?: number;
  /** Merged last; an `undefined` value removes the claim. */
  claims?: Record<string, unknown>;
  /** Merged last over `alg`, `kid`, `typ`; the signature always uses the current key. */
  header?: Record<string, unknown>;
}

export interface TestIdp {
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  tokenEndpoint: string;
  port: number;
  shape: IdpShape;
  audience: string;
  tenantId: string;
  mintAccessToken(opts?: MintAccessTokenOptions): Promise<string>;
  clientCredentialsToken(opts: {
    clientId: string;
    clientSecret: string;
    scope: string;
    resource?: string;
  }): Promise<string>;
  rotateKeys(): Promise<void>;
  dropOldKeys(): void;
  /** "503" answers every request 503; "reset" destroys the connection, like a dead host. */
  setDown(down: boolean, mode?: "503" | "reset"): void;
  jwksRequestCount(): number;
  close(): Promise<void>;
}

/** Rewrites a JSON response body before it is sent (the provider writes it with one `end`). */
function patchJsonResponse(res: ServerResponse, patch: (doc: Record<string, unknown>) => Record<string, unknown>) {
  const end = res.end.bind(res);
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string" || Buffer.isBuffer(chunk)) {
      try {
        const body = JSON.stringify(patch(JSON.parse(chunk.toString())));
        res.setHeader("content-length", Buffer.byteLength(body));
        return end(body, ...(rest as []));
      } catch {
        // Not JSON (an error page): send it as it is.
      }
    }
    return end(chunk as string, ...(rest as []));
  }) as ServerResponse["end"];
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts a real oidc-provider on 127.0.0.1 shaped like the chosen IdP. */
export async function startTestIdp(opts: StartTestIdpOptions = {}): Promise<TestIdp> {
  const shape = opts.shape ?? "oidc";
  const tenantId = opts.tenantId ?? DEFAULT_ENTRA_TENANT;
  const audience = opts.audience ?? defaultAudienceFor(shape);
  const scopes = opts.scopes ?? DEFAULT_SCOPES;
  const ttl = opts.accessTokenTtlSec ?? 900;
  const keys = await KeyRing.create(opts.keyAlg ?? "RS256");
  const state = { down: false as false | "503" | "reset", jwksHits: 0 };

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  const port = await listen(server, opts.port ?? 0);
  const issuer = issuerFor(shape, port, tenantId);

  const provider = createProvider({
    shape,
    issuer,
    tenantId,
    audience,
    audienceMode: opts.audienceMode ?? (shape === "entra" ? "fixed" : "resource"),
    scopes,
    clients: [...builtInClients(opts.adminRedirectUris ?? [DEFAULT_ADMIN_REDIRECT_URI]), ...(opts.clients ?? [])],
    accounts: opts.accounts ?? {},
    keys,
    accessTokenTtlSec: ttl,
  });
  registerExchangeGrants(provider, {
    issuer,
    alg: keys.alg,
    defaultAudience: audience,
    scopes,
    ttlSec: ttl,
    publishedJwks: () => keys.publicJwks(),
  });
  provider.on("server_error", (_ctx, err) => console.error("[test-idp] server_error", err));

  const mountPath = new URL(issuer).pathname.replace(/\/$/, "");
  const jwksPath = provider.pathFor("jwks");
  const callback = provider.callback();
  // RFC 8414 §3 metadata URLs (path-inserted and appended forms), which MCP clients probe first.
  const rfc8414Paths = new Set([
    `/.well-known/oauth-authorization-server${mountPath}`,
    `${mountPath}/.well-known/oauth-authorization-server`,
  ]);
  handle = (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === jwksPath) state.jwksHits++;
    if (state.down === "reset") return void req.socket.destroy();
    if (state.down === "503") return void res.writeHead(503, { "content-type": "text/plain" }).end("IdP down");
    // The provider's own JWKS is frozen at construction; this one follows rotateKeys()/dropOldKeys().
    if (path === jwksPath && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return void res.end(JSON.stringify(keys.publicJwks()));
    }
    if (rfc8414Paths.has(path)) req.url = `${mountPath}/.well-known/openid-configuration`;
    const discoveryOverrides = opts.discoveryOverrides;
    if (discoveryOverrides && (req.url ?? "").split("?")[0] === `${mountPath}/.well-known/openid-configuration`)
      patchJsonResponse(res, (doc) => mergeClaims(doc, discoveryOverrides));
    if (mountPath) {
      const url = req.url ?? "/";
      if (url !== mountPath && !url.startsWith(`${mountPath}/`) && !url.startsWith(`${mountPath}?`)) {
        return void res.writeHead(404).end();
      }
      // Mounted like Express does it: oidc-provider derives its URLs from originalUrl minus url.
      Object.assign(req, { originalUrl: url, url: url.slice(mountPath.length) || "/" });
    }
    callback(req, res);
  };

  const origin = `http://127.0.0.1:${port}`;
  const tokenEndpoint = `${origin}${provider.pathFor("token")}`;

  return {
    issuer,
    discoveryUrl: `${origin}${mountPath}/.well-known/openid-configuration`,
    jwksUri: `${origin}${jwksPath}`,
    tokenEndpoint,
    port,
    shape,
    audience,
    tenantId,
    async mintAccessToken(o = {}) {
      const iat = Math.floor(Date.now() / 1000);
      const shaped = shapeAccessToken({
        shape,
        issuer,
        tenantId,
        sub: o.appOnly ? undefined : (o.sub ?? "alice"),
        clientId: o.clientId ?? "agent-1",
        scopes: o.scopes ?? ["mcp:tools"],
        audience: o.audience ?? audience,
        jti: randomUUID(),
        iat,
        exp: iat + (o.expiresInSec ?? ttl),
      });
      const header = mergeClaims({ alg: keys.alg, kid: keys.current.kid, ...shaped.header }, o.header);
      return keys.signCompact(header, mergeClaims(shaped.payload, o.claims));
    },
    async clientCredentialsToken({ clientId, clientSecret, scope, resource }) {
      const body = new URLSearchParams({ grant_type: "client_credentials", scope });
      if (resource) body.set("resource", resource);
      // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
      const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
        "base64",
      );
      const res = await fetch(tokenEndpoint, { method: "POST", headers: { authorization: `Basic ${basic}` }, body });
      const json = (await res.json()) as { access_token?: string };
      if (!res.ok || !json.access_token)
        throw new Error(`client_credentials failed (${res.status}): ${JSON.stringify(json)}`);
      return json.access_token;
    },
    rotateKeys: () => keys.rotate(),
    dropOldKeys: () => keys.dropOld(),
    setDown(down, mode = "503") {
      state.down = down ? mode : false;
    },
    jwksRequestCount: () => state.jwksHits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
