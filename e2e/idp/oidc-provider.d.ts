// oidc-provider 9 ships no type declarations. This covers only the surface the test IdP
// harness (e2e/idp) uses; extend it rather than reaching for `any`.
declare module "oidc-provider" {
  import type { KeyObject } from "node:crypto";
  import type { IncomingMessage, ServerResponse } from "node:http";

  /** RFC 7591 client metadata, as accepted for static clients (`clients` configuration). */
  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    scope?: string;
    token_endpoint_auth_method?: string;
    [key: string]: unknown;
  }

  export interface Client {
    clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: "opaque" | "jwt";
    jwt?: { sign?: { alg?: string; kid?: string } };
  }

  export interface OidcContext {
    client?: Client;
    params?: Record<string, unknown>;
    provider: Provider;
  }

  export interface KoaContextWithOIDC {
    oidc: OidcContext;
    body: unknown;
  }

  /** An issued token model as seen by `formats.customizers.jwt` (AccessToken, ClientCredentials). */
  export interface TokenModel {
    kind: string;
    accountId?: string;
    clientId?: string;
    scope?: string;
  }

  export interface AccessTokenModel extends TokenModel {
    resourceServer?: ResourceServer;
    readonly expiration: number;
    save(): Promise<string>;
  }

  export class ResourceServer {
    constructor(identifier: string, info: ResourceServerInfo);
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export type JwtCustomizer = (
    ctx: KoaContextWithOIDC,
    token: TokenModel,
    jwt: { header: Record<string, unknown> | undefined; payload: Record<string, unknown> },
  ) => void | Promise<void>;

  export type Configuration = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly ResourceServer: typeof ResourceServer;
    readonly AccessToken: new (init: {
      accountId: string;
      client: Client;
      gty?: string;
      scope?: string;
    }) => AccessTokenModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    pathFor(name: string, opts?: Record<string, unknown>): string;
    registerGrantType(
      name: string,
      handler: (ctx: KoaContextWithOIDC) => Promise<void>,
      params?: string | string[] | Set<string>,
      allowedDuplicateParameters?: string | string[] | Set<string>,
    ): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  /** Signs through `sign()` instead of handing the provider a private JWK (features.externalSigningSupport). */
  export class ExternalSigningKey {
    get kid(): string | undefined;
    set kid(value: string | undefined);
    get alg(): string | undefined;
    set alg(value: string | undefined);
    get kty(): string;
    get e(): string | undefined;
    get n(): string | undefined;
    get x(): string | undefined;
    get y(): string | undefined;
    get crv(): string | undefined;
    keyObject(): KeyObject;
    sign(data: Uint8Array): Promise<Uint8Array>;
  }

  class OidcError extends Error {
    constructor(description?: string);
    error: string;
    error_description?: string;
    status: number;
  }

  export const errors: {
    InvalidGrant: new (detail?: string) => OidcError;
    InvalidRequest: new (description?: string) => OidcError;
    InvalidScope: new (description?: string, scope?: string) => OidcError;
    InvalidTarget: new (description?: string) => OidcError;
    InteractionRequired: new (description?: string) => OidcError;
  };

  export default Provider;
}
