import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { denialResponse } from "./denial.js";

const RM = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

describe("denialResponse", () => {
  it("401 without error when no token was sent (RFC 6750 §3.1)", async () => {
    const res = denialResponse(new EnforcerError(ReasonCode.TokenMissing, "no bearer token"), { resourceMetadata: RM });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${RM}"`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32001, message: "no bearer token", data: { reason: "token_missing" } },
    });
  });

  it("401 invalid_token with an escaped description", () => {
    const res = denialResponse(new EnforcerError(ReasonCode.IssuerMismatch, 'iss "h\u0430x\\" bad'), {
      resourceMetadata: RM,
    });
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${RM}", error="invalid_token", error_description="iss \\"h?x\\\\\\" bad"`,
    );
  });

  it("403 insufficient_scope with the scopes, echoing the JSON-RPC id", async () => {
    const err = new EnforcerError(ReasonCode.InsufficientScope, "more", {
      requiredScopes: ["mcp:tools", "files:write"],
    });
    const res = denialResponse(err, { resourceMetadata: RM, id: 7 });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(res.headers.get("www-authenticate")).toContain('scope="mcp:tools files:write"');
    expect(await res.json()).toMatchObject({
      id: 7,
      error: { code: -32003, data: { reason: "insufficient_scope", scope: "mcp:tools files:write" } },
    });
  });

  it("429 and 503 carry Retry-After and no challenge", () => {
    const limited = denialResponse(new EnforcerError(ReasonCode.RateLimited, "slow down", { retryAfterSec: 12.2 }), {
      resourceMetadata: RM,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("13");
    expect(limited.headers.get("www-authenticate")).toBeNull();
    const down = denialResponse(new EnforcerError(ReasonCode.JwksUnavailable, "idp", { retryAfterSec: 10 }), {
      resourceMetadata: RM,
    });
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("10");
  });
});
