/**
 * Errors of the on-behalf-of client. Separate from `EnforcerError`: an OBO
 * failure happens inside a tool, after the request was authorized, and the tool
 * decides how to report it (usually a tool result with `isError`).
 */

/** Why an exchange failed. @example if (err.code === "idp_unavailable") retryLater() */
export type OboErrorCode =
  | "unknown_downstream"
  | "consent_required"
  | "invalid_grant"
  | "exchange_rejected"
  | "idp_unavailable"
  | "invalid_response"
  /** The policy names a secret variable or file the MCP server's code does not allow. */
  | "secret_location_refused"
  /** The policy names a token endpoint outside the IdP's origins and the MCP server's code does not allow it. */
  | "token_endpoint_refused";

/**
 * An exchange failed. Messages carry the IdP's `error`/`error_description` but never a token or a secret.
 *
 * @example
 * try { await obo.exchange(token, "graph") } catch (e) { if (e instanceof OboError) log.warn(e.code) }
 */
export class OboError extends Error {
  override readonly name: string = "OboError";
  readonly code: OboErrorCode;
  /** The OAuth `error` value from the IdP (RFC 6749 §5.2), when it sent one. */
  readonly oauthError: string | undefined;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;

  constructor(
    code: OboErrorCode,
    message: string,
    opts: { oauthError?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.oauthError = opts.oauthError;
    this.status = opts.status;
  }
}

/**
 * The user (or an admin) must consent first, or conditional access wants an interaction
 * (`interaction_required` / `consent_required`). Not retryable: surface it so the admin pre-grants consent
 * (DOMAIN.md, "OBO consent missing"). `claims` is Entra's claims challenge, to hand back to the client.
 *
 * @example
 * catch (e) { if (e instanceof OboConsentRequiredError) return toolError(`Ask an admin to grant consent: ${e.message}`) }
 */
export class OboConsentRequiredError extends OboError {
  override readonly name: string = "OboConsentRequiredError";
  readonly claims: string | undefined;

  constructor(message: string, opts: { oauthError: string; status?: number; claims?: string }) {
    super("consent_required", message, opts);
    this.claims = opts.claims;
  }
}
