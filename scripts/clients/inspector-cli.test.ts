/**
 * Issue 20 with the MCP Inspector's CLI (`@modelcontextprotocol/inspector-cli` 1.0.3, Node 20; the full Inspector
 * 2.x needs Node 22). Its CLI mode takes a bearer token in `--header` and has no interactive OAuth, so the IdP
 * mints the tokens a sign-in and a step-up would give. What it shows: the Inspector only calls a tool it was shown,
 * so a tool that needs more scope must be listed for the call (and its 403) to happen at all.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientLab, startClientLab } from "./lab.js";

const BUILD = join(process.cwd(), "node_modules/@modelcontextprotocol/inspector-cli/build");
const CLI = join(BUILD, "index.js");
const run = promisify(execFile);

let shown: ClientLab;
let hidden: ClientLab;

beforeAll(async () => {
  [shown, hidden] = await Promise.all([startClientLab(), startClientLab({ policy: { toolsNeedingScope: "hide" } })]);
});
afterAll(async () => {
  await shown?.close();
  await hidden?.close();
});

async function inspector(lab: ClientLab, scopes: string[], method: string[]) {
  const token = await lab.idp.mintAccessToken({ audience: lab.resourceUri, scopes });
  const args = [CLI, lab.resourceUri, "--transport", "http", "--header", `Authorization: Bearer ${token}`, ...method];
  try {
    // 1.0.3 checks for its package.json relative to the working directory but imports it relative to itself.
    const { stdout } = await run(process.execPath, args, { timeout: 20_000, cwd: BUILD });
    return { ok: true, out: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

const toolsList = ["--method", "tools/list"];
const call = (name: string, ...args: string[]) => ["--method", "tools/call", "--tool-name", name, ...args];

describe("the Inspector CLI", () => {
  it("sees delete_file with the baseline token, gets the step-up 403 on the call, and calls it after the step-up", async () => {
    const listed = await inspector(shown, ["mcp:tools"], toolsList);
    expect(listed.ok).toBe(true);
    expect((JSON.parse(listed.out) as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual([
      "read_file",
      "search",
      "delete_file",
    ]);
    const refused = await inspector(shown, ["mcp:tools"], call("delete_file", "--tool-arg", "path=/x"));
    expect(refused.ok).toBe(false);
    expect(refused.out).toMatch(/403|insufficient_scope/);
    const stepped = ["mcp:tools", "mcp:tools:admin"];
    const deleted = await inspector(shown, stepped, call("delete_file", "--tool-arg", "path=/x"));
    expect(deleted).toMatchObject({ ok: true, out: expect.stringContaining("deleted /x") });
    const read = await inspector(shown, stepped, call("read_file", "--tool-arg", "path=/docs/readme.md"));
    expect(read).toMatchObject({ ok: true, out: expect.stringContaining("[read as alice]") });
    expect(
      shown.sink
        .ofType("decision")
        .filter((d) => d.tool === "delete_file")
        .map((d) => d.outcome),
    ).toEqual(["deny", "allow"]);
  });

  it("with toolsNeedingScope hide, the tool is not listed for a baseline token", async () => {
    const listed = await inspector(hidden, ["mcp:tools"], toolsList);
    expect((JSON.parse(listed.out) as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual([
      "read_file",
      "search",
    ]);
  });
});
