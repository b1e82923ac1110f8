/**
 * Issues 15 and 20 with the MCP Inspector 2.12 (`@modelcontextprotocol/inspector`, CLI mode, on Node 22 from
 * scripts/node22). With a bearer token in `--header` it lists the protected server's tools (issue 15). With its own
 * OAuth (a pre-registered public client, PKCE, a loopback callback) it signs in with the baseline scope, steps up
 * for `delete_file` through one more authorization, and calls the baseline tools again from its stored grant
 * (issue 20). The test is the user: it reads the URL the CLI prints, signs in through oidc-provider's dev pages
 * and delivers the callback to the CLI's listener.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followDevLogin } from "../../e2e/idp/code-flow.js";
import { ensureNode22Peers, INSPECTOR_CLI, NODE22 } from "../node22/peers.js";
import { type ClientLab, scopesOf, startClientLab } from "./lab.js";

const ADVERTISED = "mcp:tools mcp:tools:read mcp:tools:execute mcp:resources mcp:prompts mcp:tools:admin";
// Below the kernel's ephemeral range (32768-60999 here): a port picked inside it can be taken by another test's
// outgoing connection at the moment the Inspector binds its callback listener (seen as EADDRINUSE in a full run).
const callbackPort = 29000 + Math.floor(Math.random() * 800);
const redirect = `http://127.0.0.1:${callbackPort}/oauth/callback`;

let lab: ClientLab;
let home: string;

beforeAll(async () => {
  ensureNode22Peers();
  home = mkdtempSync(join(tmpdir(), "inspector-home-"));
  mkdirSync(join(home, "bin"));
  for (const name of ["xdg-open", "x-www-browser", "www-browser", "sensible-browser", "gio"]) {
    writeFileSync(join(home, "bin", name), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  }
  lab = await startClientLab({
    clients: [
      {
        client_id: "lab-inspector",
        redirect_uris: [redirect],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        scope: `offline_access ${ADVERTISED}`, // held to the advertised scopes (+ offline_access, which it adds)
      },
    ],
  });
}, 180_000);
afterAll(async () => {
  await lab?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Authorization URLs the CLI printed, and how the IdP answered each (`code` or an error). */
  authorizations: { url: URL; outcome: string }[];
}

/** Runs `inspector --cli <resource> …` on Node 22 with its own HOME (its OAuth store), signing in when asked. */
function inspector(args: string[], url = lab.resourceUri): Promise<Run> {
  const run: Run = { code: null, stdout: "", stderr: "", authorizations: [] };
  return new Promise((resolve) => {
    const target = args.includes("--config") ? [] : [url, "--transport", "http"];
    const child = spawn(NODE22, [INSPECTOR_CLI, "--cli", ...target, ...args], {
      env: {
        ...process.env,
        HOME: home,
        // Without a TTY the CLI refuses interactive OAuth unless told to "open a browser"; the opener fails
        // (BROWSER, PATH), so it only prints the URL and waits on its callback listener.
        MCP_AUTO_OPEN_ENABLED: "true",
        MCP_INSPECTOR_SECRET_STORE: "file", // the grant survives between CLI runs (no OS keychain here)
        BROWSER: "false",
        PATH: `${join(home, "bin")}:${process.env.PATH ?? ""}`,
        DISPLAY: "",
        NO_COLOR: "1",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.on("data", (d) => {
      run.stdout += String(d);
    });
    child.stderr.on("data", (d) => {
      run.stderr += String(d);
      // The user confirms the step-up the CLI asks about (it reads the answer from stdin).
      if (/Proceed with step-up authorization\? \[y\/N\] $/.test(run.stderr)) child.stdin.write("y\n");
      for (const m of run.stderr.matchAll(/Please navigate to: (\S+)/g)) {
        const url = new URL(m[1] as string);
        if (run.authorizations.some((a) => a.url.href === url.href)) continue;
        const entry = { url, outcome: "pending" };
        run.authorizations.push(entry);
        void followDevLogin(url.href, "alice", redirect)
          .then(async (callback) => {
            entry.outcome = callback.searchParams.get("error") ?? "code";
            await (await fetch(callback)).text();
          })
          .catch((err: unknown) => {
            entry.outcome = `failed: ${String(err)}`;
          });
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      run.code = code;
      resolve(run);
    });
  });
}

/** The Inspector's server catalog for the lab: the pre-registered client and the scope it signs in with. */
function oauthArgs(scopes: string, clientId?: string): string[] {
  const file = join(home, "mcp.json");
  const files = {
    type: "streamable-http",
    url: lab.resourceUri,
    oauth: { ...(clientId ? { clientId } : {}), ...(scopes ? { scopes } : {}), onInsufficientScope: "reauthorize" },
  };
  writeFileSync(file, JSON.stringify({ mcpServers: { files } }));
  return ["--config", file, "--server", "files", "--callback-url", redirect];
}

const names = (run: Run) => (JSON.parse(run.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
const call = (name: string, path: string) => [
  "--method",
  "tools/call",
  "--tool-name",
  name,
  "--tool-arg",
  `path=${path}`,
];

describe("the MCP Inspector 2.12 CLI", () => {
  it("lists the protected server's tools with a bearer token in --header (issue 15)", async () => {
    const token = await lab.idp.mintAccessToken({ audience: lab.resourceUri, scopes: ["mcp:tools"] });
    const listed = await inspector(["--header", `Authorization: Bearer ${token}`, "--method", "tools/list"]);
    expect(listed.code, listed.stderr).toBe(0);
    // delete_file is shown to a baseline token (toolsNeedingScope "show"): the Inspector calls only tools it was shown.
    expect(names(listed)).toEqual(["read_file", "search", "delete_file"]);
    // ... and its description says which scope the call will ask for (issue 20 #4).
    const described = (JSON.parse(listed.stdout) as { tools: { name: string; description: string }[] }).tools;
    expect(described.map((t) => t.description)).toEqual([
      "Reads a file",
      "Searches file contents",
      "Deletes a file (requires scope mcp:tools:admin)",
    ]);
    expect(listed.authorizations).toEqual([]);
    const unsigned = await inspector(["--stored-auth-only", "--method", "tools/list"]);
    expect(unsigned.code).not.toBe(0);
  }, 120_000);

  it("with toolsNeedingScope hide, a baseline token does not see delete_file and the Inspector will not call it", async () => {
    const hidden = await startClientLab({ policy: { toolsNeedingScope: "hide" } });
    try {
      const token = await hidden.idp.mintAccessToken({ audience: hidden.resourceUri, scopes: ["mcp:tools"] });
      const header = ["--header", `Authorization: Bearer ${token}`];
      const listed = await inspector([...header, "--method", "tools/list"], hidden.resourceUri);
      expect(names(listed)).toEqual(["read_file", "search"]);
      const refused = await inspector([...header, ...call("delete_file", "/x")], hidden.resourceUri);
      // Issue 20 #4: the Inspector refuses a tool it was not shown, so the 403 that would start a step-up never comes.
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("tool_not_found");
      expect(hidden.sink.ofType("decision").filter((d) => d.method === "tools/call")).toEqual([]);
    } finally {
      await hidden.close();
    }
  }, 120_000);

  it("signs in with the baseline, steps up once for delete_file, then calls baseline tools without a sign-in", async () => {
    const oauth = oauthArgs("mcp:tools", "lab-inspector");
    const listed = await inspector([...oauth, "--method", "tools/list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(names(listed)).toContain("delete_file");
    // It adds offline_access (the IdP advertises it and the client wants refresh tokens).
    expect(listed.authorizations.map((a) => [scopesOf(a.url), a.outcome])).toEqual([
      [["mcp:tools", "offline_access"], "code"],
    ]);

    const deleted = await inspector([...oauth, ...call("delete_file", "/x")]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain("deleted /x");
    // One step-up authorization, asking for the challenge's scopes: the baseline grant kept, mcp:tools:admin added.
    expect(deleted.authorizations.map((a) => [scopesOf(a.url), a.outcome])).toEqual([
      [["mcp:tools", "mcp:tools:admin", "offline_access"], "code"],
    ]);

    const read = await inspector([...oauth, ...call("read_file", "/docs/readme.md")]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("[read as alice]");
    expect(read.authorizations).toEqual([]); // no sign-in: the stored, stepped-up grant serves the baseline tool
    const decisions = lab.sink.ofType("decision").filter((d) => d.tool === "delete_file");
    expect(decisions.map((d) => [d.outcome, d.reason ?? ""])).toEqual([
      ["deny", "insufficient_scope"],
      ["allow", ""],
    ]);
  }, 120_000);

  it("dynamic registration: the IdP refuses the step-up; with no configured scope it signs in with every scope", async () => {
    const saved = home;
    const cleanups: string[] = [];
    const fresh = () => {
      home = mkdtempSync(join(tmpdir(), "inspector-dcr-"));
      mkdirSync(join(home, "bin"));
      cleanups.push(home);
    };
    try {
      fresh();
      const baseline = oauthArgs("mcp:tools"); // no client id: RFC 7591 registration, held to what it registered
      expect((await inspector([...baseline, "--method", "tools/list"])).code).toBe(0);
      const refused = await inspector([...baseline, ...call("delete_file", "/x")]);
      expect(refused.code).not.toBe(0);
      expect(refused.authorizations.map((a) => [scopesOf(a.url), a.outcome])).toEqual([
        [["mcp:tools", "mcp:tools:admin", "offline_access"], "invalid_scope"],
      ]);

      fresh();
      const everything = oauthArgs(""); // no scope configured: it registers and signs in with scopes_supported
      const deleted = await inspector([...everything, ...call("delete_file", "/x")]);
      expect(deleted.stdout).toContain("deleted /x");
      expect(deleted.authorizations.map((a) => [scopesOf(a.url).sort(), a.outcome])).toEqual([
        [[...ADVERTISED.split(" "), "offline_access"].sort(), "code"],
      ]);
    } finally {
      home = saved;
      for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
