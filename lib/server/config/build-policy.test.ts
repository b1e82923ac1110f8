import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { buildPolicy, type PublishSource } from "./build-policy";

/** Issue 20: the bundle advertises every scope the policy requires and carries the baseline and the tools choice. */
function source(draft: Record<string, unknown>): PublishSource {
  return {
    resource: { id: "r1", name: "files", uri: "https://mcp.example.com/mcp" },
    idp: {
      name: "Test IdP",
      kind: "oidc",
      issuers: JSON.stringify(["https://idp.example.com/"]),
      jwksUri: "https://idp.example.com/jwks",
      algorithms: JSON.stringify(["RS256"]),
      requireTokenType: null,
    },
    draft: JSON.stringify({ audiences: ["https://mcp.example.com/mcp"], ...draft }),
  };
}

describe("buildPolicy scopes (issue 20)", () => {
  it("advertises the union of the resource's scopes, every method rule's scopes and every tool's scopes", () => {
    const policy = buildPolicy(
      source({
        // The admin's list forgot the tool's scope and one a method rule names.
        scopes: [{ name: "mcp:tools", description: "" }],
        methods: { "tools/list": { anyOf: ["mcp:tools", "mcp:tools:read"] }, "tools/call": { anyOf: ["mcp:tools"] } },
        tools: [
          { name: "read_file", enabled: true, scopes: [] },
          { name: "delete_file", enabled: true, scopes: ["mcp:tools:admin"] },
        ],
      }),
    );
    expect(policy.scopesSupported).toEqual(expect.arrayContaining(["mcp:tools", "mcp:tools:read", "mcp:tools:admin"]));
    expect(policy.scopesSupported[0]).toBe("mcp:tools"); // the admin's order first
  });

  it("carries the derived baseline and the default show, or what the admin chose", () => {
    const derived = buildPolicy(source({ tools: [{ name: "read_file", enabled: true, scopes: [] }] }));
    expect(derived.baselineScopes).toEqual(["mcp:tools"]);
    expect(derived.toolsNeedingScope).toBe("show");
    const chosen = buildPolicy(
      source({ baselineScopes: ["mcp:tools:read"], toolsNeedingScope: "hide", tools: [{ name: "read_file" }] }),
    );
    expect(chosen.baselineScopes).toEqual(["mcp:tools:read"]);
    expect(chosen.toolsNeedingScope).toBe("hide");
  });

  it("refuses a baseline scope the resource does not define, naming it", () => {
    const err = (() => {
      try {
        buildPolicy(source({ baselineScopes: ["files:nope"] }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toContain("files:nope");
  });
});
