/**
 * Issue 20 with `mcp-remote` 0.15 (the stdio bridge desktop hosts spawn): the test is the host (the SDK client
 * over stdio) and the user (it reads the authorization URL mcp-remote prints, signs in through oidc-provider's
 * dev pages and delivers the callback to mcp-remote's own callback server).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";
import { followDevLogin } from "../../e2e/idp/code-flow.js";
import { type ClientLab, scopesOf, startClientLab } from "./lab.js";

const PROXY = join(process.cwd(), "node_modules/mcp-remote/dist/proxy.js");
const ADVERTISED = "mcp:tools mcp:tools:read mcp:tools:execute mcp:resources mcp:prompts mcp:tools:admin";

interface Bridge {
  client: Client;
  /** Authorization URLs mcp-remote printed, and how the IdP answered each (`code` or an error). */
  authorizations: { url: URL; outcome: string }[];
  stderr: () => string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A PATH where every browser opener fails, so mcp-remote only prints the URL (the test is the browser). */
function sandbox(): { dir: string; bin: string } {
  const dir = mkdtempSync(join(tmpdir(), "mcp-remote-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const name of ["x-www-browser", "gio", "sensible-browser", "xdg-open", "www-browser"]) {
    writeFileSync(join(bin, name), "#!/bin/sh\nexit 1\n");
    chmodSync(join(bin, name), 0o755);
  }
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, bin };
}

async function deliver(callback: URL): Promise<void> {
  // mcp-remote (re)starts its callback server when it needs one: retry a refused connection for a few seconds.
  for (let i = 0; i < 50; i++) {
    const res = await fetch(callback).catch(() => undefined);
    if (res) return void (await res.text());
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mcp-remote's callback server did not answer at ${callback.origin}`);
}

async function startBridge(lab: ClientLab, port: number, extraArgs: string[] = []): Promise<Bridge> {
  const { dir, bin } = sandbox();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [PROXY, lab.resourceUri, String(port), "--host", "127.0.0.1", ...extraArgs],
    env: {
      ...(process.env as Record<string, string>),
      MCP_REMOTE_CONFIG_DIR: join(dir, "config"),
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      BROWSER: join(bin, "x-www-browser"),
      DISPLAY: "",
    },
    stderr: "pipe",
  });
  const redirect = `http://127.0.0.1:${port}/oauth/callback`;
  const authorizations: Bridge["authorizations"] = [];
  let log = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
    for (const m of log.matchAll(/Please authorize this client by visiting:\s*\n(\S+)/g)) {
      const url = new URL(m[1] as string);
      if (authorizations.some((a) => a.url.href === url.href)) continue;
      const entry = { url, outcome: "pending" };
      authorizations.push(entry);
      void followDevLogin(url.href, "alice", redirect)
        .then(async (callback) => {
          entry.outcome = callback.searchParams.get("error") ?? "code";
          await deliver(callback);
        })
        .catch((err: unknown) => {
          entry.outcome = `failed: ${String(err)}`;
        });
    }
  });
  const client = new Client({ name: "issue-20-host", version: "1.0.0" });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return { client, authorizations, stderr: () => log };
}

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  return (result.content as { text?: string }[])[0]?.text ?? "";
}

// Below the kernel's ephemeral range (32768-60999): another test's outgoing connection cannot hold it.
const port = () => 29900 + Math.floor(Math.random() * 800);

describe("mcp-remote 0.15 steps up", () => {
  it("pre-registered client: baseline sign-in, one step-up for mcp:tools:admin, baseline tools still work", async () => {
    const callbackPort = port();
    const lab = await startClientLab({
      clients: [
        {
          client_id: "lab-remote",
          redirect_uris: [`http://127.0.0.1:${callbackPort}/oauth/callback`],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "none",
          // Held to the advertised scopes (+ offline_access, which mcp-remote always asks for).
          scope: `offline_access ${ADVERTISED}`,
        },
      ],
    });
    cleanups.push(() => lab.close());
    const bridge = await startBridge(lab, callbackPort, [
      "--static-oauth-client-info",
      JSON.stringify({ client_id: "lab-remote" }),
    ]);
    expect(bridge.authorizations.map((a) => scopesOf(a.url))).toEqual([["mcp:tools", "offline_access"]]);
    expect((await bridge.client.listTools()).tools.map((t) => t.name)).toEqual(["read_file", "search", "delete_file"]);
    expect(text(await bridge.client.callTool({ name: "delete_file", arguments: { path: "/x" } }))).toBe("deleted /x");
    expect(bridge.authorizations).toHaveLength(2);
    expect(scopesOf(bridge.authorizations[1]?.url ?? "").sort()).toEqual([
      "mcp:tools",
      "mcp:tools:admin",
      "offline_access",
    ]);
    const read = await bridge.client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } });
    expect(text(read)).toContain("[read as alice]");
    expect(text(await bridge.client.callTool({ name: "search", arguments: { query: "jwks" } }))).toBe(
      "/docs/runbook.md",
    );
    expect(bridge.authorizations.map((a) => a.outcome)).toEqual(["code", "code"]);
  }, 60_000);

  it("dynamic registration at an IdP that holds clients to their registered scope: the step-up is refused (pinned)", async () => {
    const callbackPort = port();
    const lab = await startClientLab();
    cleanups.push(() => lab.close());
    const bridge = await startBridge(lab, callbackPort);
    expect(bridge.authorizations.map((a) => scopesOf(a.url))).toEqual([["mcp:tools", "offline_access"]]);
    const err = await bridge.client
      .callTool({ name: "delete_file", arguments: { path: "/x" } })
      .catch((e: unknown) => e);
    // mcp-remote registered with the 401's baseline and does not register again: README, compatibility notes.
    expect(String(err)).toContain("invalid_scope");
    expect(bridge.authorizations.map((a) => a.outcome)).toEqual(["code", "invalid_scope"]);
  }, 60_000);

  it("dynamic registration when the resource's baseline is every scope it uses: one sign-in, no step-up", async () => {
    // The remedy for IdPs that hold clients to their registered scope: clients register with the 401's scope, so
    // the admin sets the baseline to the advertised list (mcp-remote registers with it even when a scope is pinned
    // with --static-oauth-client-metadata, which then only changes the authorization request).
    const callbackPort = port();
    const lab = await startClientLab({ policy: { baselineScopes: ADVERTISED.split(" ") } });
    cleanups.push(() => lab.close());
    const bridge = await startBridge(lab, callbackPort);
    expect(text(await bridge.client.callTool({ name: "delete_file", arguments: { path: "/x" } }))).toBe("deleted /x");
    expect(text(await bridge.client.callTool({ name: "search", arguments: { query: "jwks" } }))).toBe(
      "/docs/runbook.md",
    );
    expect(bridge.authorizations.map((a) => [scopesOf(a.url).sort().join(" "), a.outcome])).toEqual([
      [`${ADVERTISED} offline_access`.split(" ").sort().join(" "), "code"],
    ]);
  }, 60_000);
});
