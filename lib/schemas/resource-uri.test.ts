import { describe, expect, it } from "vitest";
import { normalizeResourceUri } from "./resource-uri";
import { CreateResourceInput } from "./resources";

describe("normalizeResourceUri (RFC 8707 §2, RFC 3986 §6)", () => {
  it.each([
    ["HTTPS://MCP.Example.COM/mcp", "https://mcp.example.com/mcp"],
    ["https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp"],
    ["https://mcp.example.com:8443/mcp", "https://mcp.example.com:8443/mcp"],
    ["https://mcp.example.com/mcp/", "https://mcp.example.com/mcp"],
    ["https://mcp.example.com/a/./b/../mcp", "https://mcp.example.com/a/mcp"],
    ["https://mcp.example.com", "https://mcp.example.com/"],
    ["https://mcp.example.com/", "https://mcp.example.com/"],
    ["https://mcp.example.com/a%2fb", "https://mcp.example.com/a%2Fb"],
    ["  https://mcp.example.com/mcp  ", "https://mcp.example.com/mcp"],
    ["http://127.0.0.1:8080/mcp", "http://127.0.0.1:8080/mcp"],
    ["http://localhost:80/mcp", "http://localhost/mcp"],
    ["http://[::1]:3000/mcp", "http://[::1]:3000/mcp"],
  ])("%s → %s", (input, uri) => {
    expect(normalizeResourceUri(input)).toEqual({ ok: true, uri });
  });

  it.each([
    ["mcp.example.com/mcp", /absolute URI/],
    ["/mcp", /absolute URI/],
    ["http://mcp.example.com/mcp", /Use https/],
    ["ftp://mcp.example.com/mcp", /Use an https URI/],
    ["https://mcp.example.com/mcp#frag", /fragment/],
    ["https://mcp.example.com/mcp#", /fragment/],
    ["https://mcp.example.com/mcp?x=1", /query/],
    ["https://user:pw@mcp.example.com/mcp", /user info/],
    ["https://exa mple.com/", /not a valid URI/],
  ])("refuses %s", (input, error) => {
    const r = normalizeResourceUri(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe("the resource input schema (issue 21: all errors at once)", () => {
  it("reports a bad URI together with the other fields' errors, not after they are fixed", () => {
    const r = CreateResourceInput.safeParse({
      name: "",
      uri: "not a uri",
      idpProfileId: "p1",
      audiences: ["has space"],
      allowedOrigins: [],
    });
    expect(r.success).toBe(false);
    const paths = r.success ? [] : r.error.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "uri", "audiences.0"]));
    const uri = r.success ? undefined : r.error.issues.find((i) => i.path[0] === "uri");
    expect(uri?.message).toBe("Enter an absolute URI such as https://mcp.example.com/mcp.");
  });
});
