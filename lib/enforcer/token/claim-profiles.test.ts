import { describe, expect, it } from "vitest";
import { normalizeClaims, readWordList } from "./claim-profiles.js";

describe("normalizeClaims", () => {
  it("Entra v2 user token: scp string, azp", () => {
    expect(normalizeClaims("entra", { scp: "mcp:tools mcp:resources", azp: "app-guid", roles: ["Admin"] })).toEqual({
      scopes: ["mcp:tools", "mcp:resources"],
      roles: ["Admin"],
      clientId: "app-guid",
    });
  });

  it("keeps each scope once, in first-seen order, for a handful of scopes and for thousands", () => {
    expect(normalizeClaims("oidc", { scope: "a b  a c", scp: ["c", "d", "b"] }).scopes).toEqual(["c", "d", "b", "a"]); // scp first
    // Past the short-list scan a Set takes over: the same answer, and still linear (5,000 words, 2,500 distinct).
    const words = Array.from({ length: 2500 }, (_, i) => `s${i}`);
    const many = normalizeClaims("oidc", { scope: [...words, ...words].join(" "), roles: [...words, "s1", "r"] });
    expect(many.scopes).toEqual(words);
    expect(many.roles).toEqual([...words, "r"]);
    expect(readWordList("x y x z y")).toEqual(["x", "y", "z"]);
  });

  it("Entra v1 token: appid", () => {
    expect(normalizeClaims("entra", { scp: "mcp:tools", appid: "v1-app" }).clientId).toBe("v1-app");
  });

  it("Entra app-only token: roles count as scopes when there is no scp", () => {
    expect(normalizeClaims("entra", { roles: ["mcp:tools"], azp: "daemon" }).scopes).toEqual(["mcp:tools"]);
    // …but not for user tokens, where roles are app roles of the user.
    expect(normalizeClaims("entra", { scp: "mcp:prompts", roles: ["mcp:tools"] }).scopes).toEqual(["mcp:prompts"]);
    // …and never for other IdPs.
    expect(normalizeClaims("okta", { roles: ["mcp:tools"] }).scopes).toEqual([]);
  });

  it("Okta: scp array, cid", () => {
    expect(normalizeClaims("okta", { scp: ["mcp:tools", "openid"], cid: "0oa1", uid: "00u1" })).toEqual({
      scopes: ["mcp:tools", "openid"],
      roles: [],
      clientId: "0oa1",
    });
  });

  it("Auth0: scope string merged with RBAC permissions; azp or client_id", () => {
    const n = normalizeClaims("auth0", {
      scope: "openid mcp:tools",
      permissions: ["files:write", "mcp:tools"],
      azp: "a0",
    });
    expect(n.scopes).toEqual(["openid", "mcp:tools", "files:write"]);
    expect(n.clientId).toBe("a0");
    expect(normalizeClaims("auth0", { client_id: "rfc9068", azp: "a0" }).clientId).toBe("rfc9068");
  });

  it("permissions count only for the auth0 profile", () => {
    expect(normalizeClaims("oidc", { permissions: ["files:write"] }).scopes).toEqual([]);
  });

  it("generic OIDC: scope string, client_id", () => {
    expect(normalizeClaims("oidc", { scope: "a  b", client_id: "c" })).toEqual({
      scopes: ["a", "b"],
      roles: [],
      clientId: "c",
    });
  });

  it("drops values of the wrong type instead of trusting them", () => {
    expect(normalizeClaims("oidc", { scope: 42, scp: [1, "ok", null], roles: "Admin", client_id: 5 })).toEqual({
      scopes: ["ok"],
      roles: [],
      clientId: undefined,
    });
  });
});

describe("readWordList", () => {
  it("reads strings and arrays, absent is undefined, wrong types narrow to nothing", () => {
    expect(readWordList("a b")).toEqual(["a", "b"]);
    expect(readWordList(["a", "b c"])).toEqual(["a", "b c"]);
    expect(readWordList(undefined)).toBeUndefined();
    expect(readWordList(17)).toEqual([]);
  });
});
