import { describe, expect, it } from "vitest";
import { diffJson } from "./diff";

describe("policy diff", () => {
  it("reports added, removed and changed leaves with readable paths", () => {
    const before = {
      unlistedTools: "deny",
      rateLimits: { toolInvocationsPerMin: 100 },
      tools: [
        { name: "search", enabled: true, scopes: [] },
        { name: "delete_file", enabled: true, scopes: ["mcp:tools:admin"] },
      ],
      idp: { audiences: ["api://a"] },
      methods: { "tools/call": { anyOf: ["mcp:tools"] } },
    };
    const after = {
      unlistedTools: "allow",
      rateLimits: { toolInvocationsPerMin: 50 },
      tools: [
        { name: "search", enabled: false, scopes: [] },
        { name: "read_file", enabled: true, scopes: [] },
      ],
      idp: { audiences: ["api://a", "api://b"] },
      methods: { "tools/call": { anyOf: ["mcp:tools"] } },
    };
    expect(diffJson(before, after)).toEqual([
      { path: "unlistedTools", kind: "changed", before: "deny", after: "allow" },
      { path: "rateLimits.toolInvocationsPerMin", kind: "changed", before: 100, after: 50 },
      { path: "tools[search].enabled", kind: "changed", before: true, after: false },
      {
        path: "tools[delete_file]",
        kind: "removed",
        before: { name: "delete_file", enabled: true, scopes: ["mcp:tools:admin"] },
      },
      { path: "tools[read_file]", kind: "added", after: { name: "read_file", enabled: true, scopes: [] } },
      { path: "idp.audiences", kind: "added", after: "api://b" },
    ]);
  });

  it("quotes keys that are not identifiers and reports nothing for equal documents", () => {
    expect(diffJson({ methods: { "tools/list": { anyOf: [] } } }, { methods: {} })).toEqual([
      { path: 'methods["tools/list"]', kind: "removed", before: { anyOf: [] } },
    ]);
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});
