import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { checkNoTokenInQuery, checkOrigin, extractBearerToken, normalizeOrigins } from "./request-checks.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof EnforcerError) return err.code;
    throw err;
  }
}

describe("extractBearerToken", () => {
  it("extracts the token, scheme case-insensitively", () => {
    expect(extractBearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(extractBearerToken("bearer   abc")).toBe("abc");
  });

  it.each([
    ["no header", null, ReasonCode.TokenMissing],
    ["empty header", "", ReasonCode.TokenMissing],
    ["Basic credentials", "Basic dXNlcjpwYXNz", ReasonCode.TokenMissing],
    ["DPoP scheme", "DPoP abc", ReasonCode.TokenMissing],
    ["two values joined by Fetch", "Bearer a.b.c, Bearer d.e.f", ReasonCode.RequestMalformed],
    ["scheme only", "Bearer", ReasonCode.TokenMalformed],
    ["token with a space", "Bearer abc def", ReasonCode.TokenMalformed],
  ])("%s", (_, header, code) => {
    expect(codeOf(() => extractBearerToken(header))).toBe(code);
  });

  // Every member of JavaScript's \s inside a token is refused, ASCII or not (the scan has an ASCII fast path).
  it.each(["\t", "\v", "\f", "\r", "\n", "\u00a0", "\u1680", "\u2003", "\u2028", "\u202f", "\u3000", "\ufeff"])(
    "token with %j inside",
    (ws) => {
      expect(codeOf(() => extractBearerToken(`Bearer abc${ws}def`))).toBe(ReasonCode.TokenMalformed);
    },
  );

  it("keeps tokens with non-ASCII characters that are not whitespace (the validator refuses them later)", () => {
    expect(extractBearerToken("Bearer abc\u00e9def")).toBe("abc\u00e9def");
  });
});

describe("checkNoTokenInQuery", () => {
  it("refuses access_token in the query only", () => {
    expect(codeOf(() => checkNoTokenInQuery("https://m/mcp?access_token=x"))).toBe(ReasonCode.TokenInQuery);
    expect(codeOf(() => checkNoTokenInQuery("https://m/mcp?a=1&access_token="))).toBe(ReasonCode.TokenInQuery);
    expect(codeOf(() => checkNoTokenInQuery("https://m/mcp?not_access_token=x"))).toBeUndefined();
    expect(codeOf(() => checkNoTokenInQuery("https://m/access_token/mcp"))).toBeUndefined();
  });

  it("refuses a percent-encoded access_token, which the server's own query parser would decode", () => {
    expect(codeOf(() => checkNoTokenInQuery("https://m/mcp?%61ccess_token=x"))).toBe(ReasonCode.TokenInQuery);
    expect(codeOf(() => checkNoTokenInQuery("https://m/mcp?x=1&access%5Ftoken=y"))).toBe(ReasonCode.TokenInQuery);
    expect(codeOf(() => checkNoTokenInQuery("https://m/mcp?q=100%25"))).toBeUndefined();
    expect(codeOf(() => checkNoTokenInQuery("https://m/%61ccess_token/mcp"))).toBeUndefined();
  });
});

describe("checkOrigin", () => {
  const allowed = normalizeOrigins(["https://app.example.com/"]);
  it("passes no Origin and allowed origins, refuses others and null", () => {
    expect(codeOf(() => checkOrigin(null, allowed))).toBeUndefined();
    expect(codeOf(() => checkOrigin("https://app.example.com", allowed))).toBeUndefined();
    expect(codeOf(() => checkOrigin("https://evil.example", allowed))).toBe(ReasonCode.OriginNotAllowed);
    expect(codeOf(() => checkOrigin("null", allowed))).toBe(ReasonCode.OriginNotAllowed);
    expect(codeOf(() => checkOrigin("https://app.example.com.evil.example", allowed))).toBe(
      ReasonCode.OriginNotAllowed,
    );
  });
});
