/**
 * An in-memory `OAuthClientProvider` for the official TypeScript SDK client, as a host would write one, with
 * the "browser" replaced by `followDevLogin` (oidc-provider's development login and consent pages, driven by
 * fetch). It records every authorization URL, so tests can count interactive sign-ins and read their scopes.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { followDevLogin } from "../../e2e/idp/code-flow.js";

export const REDIRECT_URI = "http://127.0.0.1:53682/callback";

export interface LabProviderOptions {
  /** A pre-registered client id (else the SDK registers dynamically). */
  clientId?: string;
  /** Ask for refresh tokens (`refresh_token` grant). */
  refreshTokens?: boolean;
}

/** The provider; `authorizationUrls` are the interactive authorizations the SDK started. */
export class LabOAuthProvider implements OAuthClientProvider {
  readonly authorizationUrls: URL[] = [];
  registrations = 0;
  /** Authorizations the user completed (a code came back); a refusal the IdP answers at once is not one. */
  signIns = 0;
  private client: OAuthClientInformationMixed | undefined;
  private stored: OAuthTokens | undefined;
  private verifier = "";

  constructor(private readonly opts: LabProviderOptions = {}) {
    if (opts.clientId) this.client = { client_id: opts.clientId };
  }

  /** True when the SDK registers this client itself (no pre-registered id). */
  get dynamic(): boolean {
    return this.opts.clientId === undefined;
  }

  get redirectUrl(): string {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "portcullis issue-20 lab host",
      redirect_uris: [REDIRECT_URI],
      grant_types: this.opts.refreshTokens ? ["authorization_code", "refresh_token"] : ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.registrations++;
    this.client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.stored = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrls.push(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "all" || scope === "client") this.client = undefined;
    if (scope === "all" || scope === "tokens") this.stored = undefined;
  }

  /** Drops the refresh token (typescript-sdk#2255 workaround: a step-up must re-authorize, not refresh). */
  forgetRefreshToken(): void {
    if (this.stored) this.stored = { ...this.stored, refresh_token: undefined };
  }

  /** Plays the user in the browser for the last authorization URL; returns the callback URL (code or error). */
  async signInAs(login: string): Promise<URL> {
    const url = this.authorizationUrls.at(-1);
    if (!url) throw new Error("the SDK started no authorization");
    const callback = await followDevLogin(url.href, login, REDIRECT_URI);
    if (callback.searchParams.has("code")) this.signIns++;
    return callback;
  }
}
