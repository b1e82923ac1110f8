/**
 * One token-endpoint request of the OBO client: builds the grant, authenticates
 * the client, and maps the answer (RFC 6749 §5.1 / §5.2) to a token or a typed error.
 */
import { z } from "zod";
import { OboConsentRequiredError, OboError } from "./errors.js";
import type { OboClientCredentials, OboDownstreamConfig, OboToken } from "./types.js";

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const MAX_RESPONSE_BYTES = 256 * 1024;

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().min(1),
  expires_in: z.coerce.number().int().positive().max(31_536_000),
  scope: z.string().optional(),
  issued_token_type: z.string().optional(),
});

const ErrorResponse = z.object({
  error: z.string().max(200),
  error_description: z.string().max(2000).optional(),
  suberror: z.string().max(200).optional(),
  claims: z.string().max(8000).optional(),
});

// Entra sends `interaction_required` for missing consent and for conditional access (MFA, device): both need a user
// or admin in a browser, which a server-side exchange cannot provide.
const CONSENT_ERRORS = new Set(["interaction_required", "consent_required", "login_required"]);

/**
 * Performs one exchange. Throws {@link OboError} (never with the user token or secret in the message).
 *
 * @example
 * const token = await requestToken(userToken, downstream, credentials, { fetch, nowSec: () => Math.floor(Date.now() / 1000), timeoutMs: 10_000 });
 */
export async function requestToken(
  userToken: string,
  downstream: OboDownstreamConfig,
  credentials: OboClientCredentials,
  ctx: { fetch: typeof fetch; nowSec: () => number; timeoutMs: number },
): Promise<OboToken> {
  const body = new URLSearchParams();
  if (downstream.grant === "entra_obo") {
    body.set("grant_type", JWT_BEARER);
    body.set("requested_token_use", "on_behalf_of");
    body.set("assertion", userToken);
  } else {
    body.set("grant_type", TOKEN_EXCHANGE);
    body.set("subject_token", userToken);
    body.set("subject_token_type", ACCESS_TOKEN_TYPE);
    body.set("requested_token_type", ACCESS_TOKEN_TYPE);
    if (downstream.audience) body.set("audience", downstream.audience);
  }
  body.set("scope", downstream.scope);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  await authenticateClient(body, headers, downstream, credentials);

  let response: Response;
  try {
    response = await ctx.fetch(downstream.tokenEndpoint, {
      method: "POST",
      headers,
      body,
      redirect: "error", // a redirect would replay the user's token to another host
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
  } catch (err) {
    throw new OboError("idp_unavailable", `token endpoint of ${downstream.name} unreachable: ${(err as Error).name}`, {
      cause: err,
    });
  }
  const text = await readLimited(response);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const code = response.status >= 500 ? "idp_unavailable" : "invalid_response";
    throw new OboError(code, `token endpoint of ${downstream.name} answered ${response.status} without JSON`, {
      status: response.status,
    });
  }
  if (!response.ok) throw mapError(json, response.status, downstream.name);
  const parsed = TokenResponse.safeParse(json);
  if (!parsed.success) {
    throw new OboError(
      "invalid_response",
      `token endpoint of ${downstream.name} answered without a usable access token`,
      { status: response.status },
    );
  }
  return {
    accessToken: parsed.data.access_token,
    tokenType: parsed.data.token_type,
    expiresAt: ctx.nowSec() + parsed.data.expires_in,
    scope: parsed.data.scope,
    issuedTokenType: parsed.data.issued_token_type,
  };
}

async function authenticateClient(
  body: URLSearchParams,
  headers: Record<string, string>,
  downstream: OboDownstreamConfig,
  credentials: OboClientCredentials,
): Promise<void> {
  if (credentials.clientAssertion) {
    body.set("client_id", credentials.clientId);
    body.set("client_assertion_type", CLIENT_ASSERTION_TYPE);
    body.set("client_assertion", await credentials.clientAssertion(downstream.tokenEndpoint));
    return;
  }
  if (credentials.clientSecret === undefined)
    throw new OboError("exchange_rejected", "OBO credentials need a clientSecret or a clientAssertion");
  if (credentials.authMethod === "client_secret_post") {
    body.set("client_id", credentials.clientId);
    body.set("client_secret", credentials.clientSecret);
  } else {
    // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
    const pair = `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  }
}

function mapError(json: unknown, status: number, name: string): OboError {
  const parsed = ErrorResponse.safeParse(json);
  if (!parsed.success)
    return new OboError("exchange_rejected", `token endpoint of ${name} refused the exchange (${status})`, { status });
  const { error, error_description: description, claims } = parsed.data;
  const message = `token endpoint of ${name} refused the exchange: ${error}${description ? ` (${description})` : ""}`;
  if (CONSENT_ERRORS.has(error) || parsed.data.suberror === "consent_required") {
    return new OboConsentRequiredError(message, { oauthError: error, status, claims });
  }
  if (error === "invalid_grant") return new OboError("invalid_grant", message, { oauthError: error, status });
  if (status >= 500 || error === "temporarily_unavailable")
    return new OboError("idp_unavailable", message, { oauthError: error, status });
  return new OboError("exchange_rejected", message, { oauthError: error, status });
}

async function readLimited(response: Response): Promise<string> {
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new OboError("invalid_response", "token endpoint answer too large", { status: response.status });
  }
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES)
    throw new OboError("invalid_response", "token endpoint answer too large", { status: response.status });
  return text;
}
