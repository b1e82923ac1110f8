/** Types of the OBO client, shared by the client and its token request (no import cycle between them). */
import type { z } from "zod";
import type { OboDownstream } from "../policy.js";

/** One downstream of `policy.obo`. @example const graph: OboDownstreamConfig = { name: "graph", grant: "entra_obo", tokenEndpoint, scope: "https://graph.microsoft.com/.default" }; */
export type OboDownstreamConfig = z.infer<typeof OboDownstream>;

/**
 * How this enforcer authenticates to the IdP's token endpoint (RFC 6749 §2.3). Give a secret or an assertion
 * factory (RFC 7523 `private_key_jwt` / Entra certificate credentials).
 *
 * @example
 * const credentials: OboClientCredentials = { clientId: "11111111-2222-3333-4444-555555555555", clientSecret: env.OBO_SECRET };
 */
export interface OboClientCredentials {
  clientId: string;
  clientSecret?: string;
  /** Returns a fresh signed client assertion for `audience` (the token endpoint). */
  clientAssertion?: (audience: string) => string | Promise<string>;
  /** Default `client_secret_basic` (RFC 6749 §2.3.1: every server supports it; Entra's discovery lists it too). */
  authMethod?: "client_secret_basic" | "client_secret_post";
}

/** A downstream access token. @example fetch(api, { headers: { authorization: `Bearer ${t.accessToken}` } }) */
export interface OboToken {
  accessToken: string;
  tokenType: string;
  /** Epoch seconds. */
  expiresAt: number;
  scope: string | undefined;
  /** RFC 8693 `issued_token_type`, when the IdP sent it. */
  issuedTokenType: string | undefined;
}
