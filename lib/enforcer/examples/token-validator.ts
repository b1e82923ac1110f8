// The validator alone (any framework): every check of the per-request list, one error type.
import { createTokenValidator, EnforcerError, ReasonCode } from "portcullis/enforcer";

const validator = createTokenValidator({
  issuer: "https://dev-example.us.auth0.com/",
  audience: "https://mcp.example.com/mcp",
  jwksUri: "https://dev-example.us.auth0.com/.well-known/jwks.json",
  profile: "auth0",
});

export async function whoIs(authorization: string): Promise<string> {
  try {
    const token = await validator.validate(authorization.replace(/^Bearer /i, ""));
    return `${token.subject} via ${token.clientId ?? "unknown client"} with ${token.scopes.join(" ")}`;
  } catch (err) {
    if (err instanceof EnforcerError && err.code === ReasonCode.TokenExpired) return "expired: refresh and retry";
    throw err; // err.status and err.challenge() give the HTTP answer
  }
}
