import { describe, expect, it } from "vitest";
import { diagnoseIssuer } from "./issuer-diagnosis";
import { rsaModulusBits } from "./key-info";

const T = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const T2 = "11111111-2222-4333-8444-555555555555";

describe("diagnoseIssuer", () => {
  it.each([
    ["Auth0 slash", ["https://acme.auth0.com"], "https://acme.auth0.com/", /^Trailing slash difference/],
    [
      "Entra v1 announced, v2 expected",
      [`https://login.microsoftonline.com/${T}/v2.0`],
      `https://sts.windows.net/${T}/`,
      /^v1 vs v2 issuer: the IdP announces the v1 issuer/,
    ],
    [
      "Entra v2 announced, v1 expected",
      [`https://sts.windows.net/${T}/`],
      `https://login.microsoftonline.com/${T}/v2.0`,
      /^v1 vs v2 issuer: the IdP announces the v2.0 issuer/,
    ],
    [
      "Entra wrong tenant",
      [`https://login.microsoftonline.com/${T2}/v2.0`],
      `https://login.microsoftonline.com/${T}/v2.0`,
      /^Wrong tenant: the IdP announces tenant 72f988bf/,
    ],
    [
      "Entra tenant as a domain",
      ["https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"],
      `https://login.microsoftonline.com/${T}/v2.0`,
      new RegExp(`^Tenant given as a domain: .*Use the tenant GUID ${T}`),
    ],
    [
      "Okta other server",
      ["https://a.okta.com/oauth2/default"],
      "https://a.okta.com/oauth2/aus9",
      /^Different authorization server: the IdP announces "aus9"/,
    ],
    ["Okta org server", ["https://a.okta.com/oauth2/default"], "https://a.okta.com", /^Org authorization server/],
    ["other host", ["https://a.example.com"], "https://b.example.com", /^Different host/],
    ["same host, other path", ["https://a.example.com/realms/x"], "https://a.example.com/realms/y", /^Issuer mismatch/],
  ])("%s", (_label, expected, actual, pattern) => {
    expect(diagnoseIssuer(expected, actual)).toMatch(pattern);
  });
});

describe("rsaModulusBits", () => {
  it("counts bits of a base64url modulus, ignoring a leading zero byte", () => {
    expect(rsaModulusBits(Buffer.from([0x80, ...Array(255).fill(1)]).toString("base64url"))).toBe(2048);
    expect(rsaModulusBits(Buffer.from([0x00, 0x40, ...Array(127).fill(1)]).toString("base64url"))).toBe(1023);
    expect(rsaModulusBits("not base64!")).toBeNull();
  });
});
