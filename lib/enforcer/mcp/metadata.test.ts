import { describe, expect, it } from "vitest";
import { testPolicy } from "../test-utils/policy.js";
import { metadataPaths, metadataResponse, protectedResourceMetadata, resourceMetadataUrl } from "./metadata.js";

const policy = testPolicy("https://idp.test/jwks");

describe("RFC 9728 metadata", () => {
  it("describes the resource exactly as configured", () => {
    expect(protectedResourceMetadata(policy)).toEqual({
      resource: "https://mcp.example.com/mcp",
      authorization_servers: ["https://idp.test/"],
      // Derived: every scope the policy's method rules and tools require (issue 20).
      scopes_supported: [
        "mcp:tools",
        "mcp:tools:read",
        "mcp:tools:execute",
        "mcp:resources",
        "mcp:prompts",
        "files:write",
      ],
      bearer_methods_supported: ["header"],
      resource_name: "files",
      resource_documentation: "https://docs.example.com/mcp",
    });
  });

  it("inserts the well-known segment between host and path (§3.1)", () => {
    expect(resourceMetadataUrl(policy)).toBe("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
    expect(metadataPaths(policy)).toEqual([
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]);
  });

  it("uses the bare path for a root resource and drops a trailing slash", () => {
    const root = testPolicy("https://idp.test/jwks", { resource: { uri: "https://mcp.example.com", name: "r" } });
    expect(resourceMetadataUrl(root)).toBe("https://mcp.example.com/.well-known/oauth-protected-resource");
    expect(metadataPaths(root)).toEqual(["/.well-known/oauth-protected-resource"]);
    const slash = testPolicy("https://idp.test/jwks", {
      resource: { uri: "https://mcp.example.com:8443/a/b/", name: "r" },
    });
    expect(resourceMetadataUrl(slash)).toBe("https://mcp.example.com:8443/.well-known/oauth-protected-resource/a/b");
  });

  it("serves the document publicly and refuses writes", async () => {
    const res = metadataResponse(policy);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await res.json()) as { resource: string }).resource).toBe("https://mcp.example.com/mcp");
    expect(metadataResponse(policy, "POST").status).toBe(405);
    expect(await metadataResponse(policy, "HEAD").text()).toBe("");
  });
});
