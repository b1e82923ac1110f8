/**
 * Issue 13 #8: every TypeScript snippet the dashboard shows is type-checked here with the enforcer's own compiler
 * settings (as lib/enforcer/examples are for the README), for each shape it takes: the resource page's embed
 * snippet with and without Downstream APIs, and the dashboards' connect-enforcer snippet. The embed snippet is also
 * run against a control plane by e2e/snippets.spec.ts. Before this test, the embed snippet called an undefined
 * `transport` and had no telemetry sink.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { connectEnforcerSnippet, embedSnippet } from "../components/snippets/enforcer-snippets";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "test-results", "ui-snippets");

const snippets: Record<string, string> = {
  "embed-plain.ts": embedSnippet({
    controlPlaneUrl: "https://portcullis.example.com/",
    resourceId: "res_files",
    name: "files (prod)",
    uri: "https://mcp.example.com/mcp",
    downstreams: [],
  }),
  "embed-obo.ts": embedSnippet({
    controlPlaneUrl: "http://127.0.0.1:3000",
    resourceId: "cmabc123",
    name: "files",
    uri: "https://mcp.example.com/mcp",
    downstreams: [{ name: "graph" }, { name: "sharepoint.v2" }],
  }),
  "connect-enforcer.ts": connectEnforcerSnippet(),
};

function typeErrors(files: string[]): string[] {
  const config = ts.readConfigFile(join(root, "lib/enforcer/tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(root, "lib/enforcer"));
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, incremental: false });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${d.file?.fileName.split("/").pop()}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("snippets shown in the UI", () => {
  it("type-check as TypeScript modules against portcullis/enforcer and the MCP SDK (and the check is real)", () => {
    mkdirSync(dir, { recursive: true });
    // One program for all: a deliberately broken snippet must fail, so a passing run means something.
    const all = {
      ...snippets,
      "broken.ts": 'import { createEnforcer } from "portcullis/enforcer";\ncreateEnforcer({ policy: transport });\n',
    };
    const files = Object.entries(all).map(([name, code]) => {
      const file = join(dir, name);
      writeFileSync(file, code);
      return file;
    });
    const errors = typeErrors(files);
    expect(errors.filter((e) => !e.startsWith("broken.ts"))).toEqual([]);
    expect(errors.join("\n")).toMatch(/broken\.ts: Cannot find name 'transport'/);
  }, 120_000);

  it("the embed snippet wires OBO and the telemetry sink, and a tool per first downstream", () => {
    const code = snippets["embed-obo.ts"] ?? "";
    expect(code).toContain("createOboClient({");
    expect(code).toMatch(/createOboClient\(\{[\s\S]*sink,\n\}\)/);
    expect(code).toContain('obo.exchange(extra.authInfo?.token ?? "", "graph")');
    expect(code).toContain("createEnforcer({ policy: () => config.policy(), sink })");
  });
});
