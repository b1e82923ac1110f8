import { describe, expect, it } from "vitest";
import { formatError, formatPlan, type Plan } from "./format-plan";

describe("the CLI's plan output", () => {
  it("says when nothing changes", () => {
    const plan: Plan = { planId: "x", changes: [], summary: { create: 0, update: 0, delete: 0, publish: 0 } };
    expect(formatPlan(plan)).toBe("No changes. The control plane matches the document.\n");
  });

  it("prints one line per object and per changed field, then the summary", () => {
    const plan: Plan = {
      planId: "x",
      summary: { create: 1, update: 1, delete: 1, archive: 1, publish: 1 },
      changes: [
        {
          type: "idp_profile",
          name: "auth0-prod",
          action: "create",
          changes: [{ path: "domain", kind: "added", after: "acme.eu.auth0.com" }],
        },
        {
          type: "resource",
          name: "files",
          action: "update",
          changes: [
            { path: "policy.rateLimits.toolInvocationsPerMin", kind: "changed", before: 100, after: 30 },
            { path: "tools[search].scopes", kind: "removed", before: "mcp:tools" },
          ],
        },
        { type: "alert_rule", name: "auth_failures//", action: "delete", changes: [{ path: "name", kind: "removed" }] },
        { type: "resource", name: "search", action: "archive", changes: [{ path: "name", kind: "removed" }] },
        {
          type: "resource",
          name: "files",
          action: "publish",
          changes: [{ path: "version", kind: "changed", after: 2 }],
        },
      ],
    };
    expect(formatPlan(plan)).toBe(
      [
        "  + idp profile auth0-prod",
        '      + domain: "acme.eu.auth0.com"',
        "  ~ resource files",
        "      ~ policy.rateLimits.toolInvocationsPerMin: 100 -> 30",
        '      - tools[search].scopes: "mcp:tools"',
        "  - alert rule auth_failures//",
        "  ! archive resource search (its enforcers refuse every request)",
        "  ^ publish files as version 2",
        "",
        "Plan: 1 to create, 1 to update, 1 to delete, 1 to archive, 1 to publish.",
        "",
      ].join("\n"),
    );
  });

  it("prints an API error with every field path", () => {
    const body = {
      error: {
        code: "invalid_input",
        message: "The document is invalid (2 problems).",
        requestId: "r1",
        fields: {
          "resources[2].tools[0].name": ["Enter a tool name."],
          apiVersion: ["apiVersion must be portcullis/v1."],
        },
      },
    };
    expect(formatError(422, body)).toBe(
      "Error: The document is invalid (2 problems). (invalid_input, HTTP 422, request r1)\n" +
        "  resources[2].tools[0].name: Enter a tool name.\n" +
        "  apiVersion: apiVersion must be portcullis/v1.\n",
    );
    expect(formatError(502, "<html>")).toBe("Error: HTTP 502\n");
  });
});
