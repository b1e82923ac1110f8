/**
 * Issue 22, "Done when": the SDK v2 sample server (scripts/demo/mcp-server-v2.ts) behind the enforcer
 * (`createNodeHandler`), driven by the SDK v2 client over MCP 2026-07-28 (discover, list, call, a denied tool and its
 * 403, a step-up, listen, an MRTR round trip) and by the SDK 1.32 client over 2025-11-25, against the same server.
 * Tokens come from the shared test IdP.
 */
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { Client as Client1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as Transport1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../e2e/idp/test-idp.js";
import { createEnforcer, createRecordingSink, EnforcerPolicy } from "../../lib/enforcer/index.js";
import { type DemoServerV2, startDemoServerV2 } from "./mcp-server-v2.js";

let idp: TestIdp;
let server: DemoServerV2;
let resourceUri = "";
const sink = createRecordingSink();

beforeAll(async () => {
  idp = await startTestIdp({ shape: "oidc" });
  server = await startDemoServerV2();
  resourceUri = server.url("/mcp");
  const policy = EnforcerPolicy.parse({
    resource: { uri: resourceUri, name: "files" },
    idp: {
      kind: "oidc",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [resourceUri],
      authorizationServers: [idp.issuer],
    },
    // `search` is served but not in the policy: filtered out of every list and refused when called.
    tools: [{ name: "read_file" }, { name: "archive_file" }, { name: "delete_file", scopes: ["mcp:tools:admin"] }],
  });
  server.protect(createEnforcer({ policy, sink }));
});

afterAll(async () => {
  await server.close();
  await idp.close();
});

beforeEach(() => sink.clear());

const token = (scopes: string[], sub = "alice") =>
  idp.mintAccessToken({ sub, clientId: "agent-1", scopes, audience: resourceUri });

async function v2Client(bearer: string): Promise<ClientV2> {
  // Pinned to 2026-07-28: connect() must find it through server/discover (no fallback to initialize).
  const client = new ClientV2(
    { name: "portcullis-sdk-v2-test", version: "2.4.0" },
    { capabilities: { elicitation: {} }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  // MRTR: the client answers the server's embedded elicitation and retries the call by itself.
  client.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: { confirm: true } }));
  await client.connect(
    new TransportV2(new URL(resourceUri), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }),
  );
  return client;
}

function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("");
}

/** The scopes an SDK v2 insufficient-scope error names (`Insufficient scope: required "a b"`). */
function requiredScopes(err: unknown): string[] {
  return (/required "([^"]*)"/.exec(String((err as Error).message))?.[1] ?? "").split(" ").filter(Boolean);
}

describe("SDK v2 client (MCP 2026-07-28) through the enforcer", () => {
  it("connects (server/discover), lists the allowed tools and calls one", async () => {
    const client = await v2Client(await token(["mcp:tools"]));
    expect(client.getServerVersion()?.name).toBe("files");
    const discovered = await client.discover();
    expect(discovered.supportedVersions ?? []).toContain("2026-07-28");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).not.toContain("search");
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["read_file", "archive_file"]));
    const result = await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } });
    expect(textOf(result)).toContain("[read as alice]");
    const decisions = sink.ofType("decision");
    expect(decisions.map((d) => d.method)).toEqual(
      expect.arrayContaining(["server/discover", "tools/list", "tools/call"]),
    );
    expect(decisions.every((d) => d.outcome === "allow")).toBe(true);
    // The per-request clientInfo reaches telemetry.
    expect(decisions.at(-1)).toMatchObject({ clientName: "portcullis-sdk-v2-test", clientVersion: "2.4.0" });
    await client.close();
  });

  it("refuses a tool outside the allowlist, and one needing a scope with a 403 whose challenge drives a step-up", async () => {
    const client = await v2Client(await token(["mcp:tools"]));
    const unlisted = await client.callTool({ name: "search", arguments: { query: "x" } }).catch((e: unknown) => e);
    expect(String((unlisted as Error).message)).toMatch(/403|tool_not_allowed/);
    const denied = await client
      .callTool({ name: "delete_file", arguments: { path: "/docs/a" } })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Error);
    expect(String((denied as Error).message)).toMatch(/insufficient.scope/i);
    expect(String((denied as Error).message)).toContain("mcp:tools:admin");
    expect(sink.ofType("decision").at(-1)).toMatchObject({
      outcome: "deny",
      reason: "insufficient_scope",
      tool: "delete_file",
    });
    await client.close();
    // Step-up: a token with the scopes the challenge names (what an OAuth client would request) succeeds.
    const required = requiredScopes(denied);
    expect(required).toEqual(expect.arrayContaining(["mcp:tools", "mcp:tools:admin"]));
    const stepped = await v2Client(await token(required));
    const result = await stepped.callTool({ name: "delete_file", arguments: { path: "/docs/a" } });
    expect(textOf(result)).toBe("deleted /docs/a");
    await stepped.close();
  });

  it("answers the raw 403 with the step-up challenge the client reads", async () => {
    const bearer = await token(["mcp:tools"]);
    const res = await fetch(resourceUri, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bearer}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "delete_file",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: {
          name: "delete_file",
          arguments: { path: "/x" },
          _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" },
        },
      }),
    });
    expect(res.status).toBe(403);
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain('error="insufficient_scope"');
    const scopes = (/scope="([^"]*)"/.exec(challenge)?.[1] ?? "").split(" ");
    expect(scopes).toEqual(expect.arrayContaining(["mcp:tools", "mcp:tools:admin"]));
  });

  it("opens a subscriptions/listen stream the token may see and receives a list change", async () => {
    const client = await v2Client(await token(["mcp:tools"]));
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler("notifications/tools/list_changed", async () => resolve()),
    );
    const subscription = await client.listen({ toolsListChanged: true });
    server.notifyToolsChanged();
    await changed;
    await subscription.close();
    // resourceSubscriptions need resources/read's scope: refused for an mcp:tools token.
    const refused = await client.listen({ resourceSubscriptions: ["file:///docs/readme.md"] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(sink.ofType("decision").at(-1)).toMatchObject({ outcome: "deny", reason: "insufficient_scope" });
    await client.close();
  });

  it("completes a multi round-trip (input_required) call, each round authorized as its own request", async () => {
    const client = await v2Client(await token(["mcp:tools"]));
    const result = await client.callTool({ name: "archive_file", arguments: { path: "/docs/runbook.md" } });
    expect(textOf(result)).toBe("archived /docs/runbook.md for alice");
    const rounds = sink.ofType("decision").filter((d) => d.tool === "archive_file");
    expect(rounds.map((d) => d.outcome)).toEqual(["allow", "allow"]);
    await client.close();
  });
});

describe("SDK 1.32 client (MCP 2025-11-25) through the same enforcer and server", () => {
  it("initializes, lists the allowed tools, calls one, and gets the 403 for a tool needing a scope", async () => {
    const bearer = await token(["mcp:tools"]);
    const client = new Client1({ name: "portcullis-sdk-1-test", version: "1.32.2" });
    await client.connect(
      new Transport1(new URL(resourceUri), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).not.toContain("search");
    expect(tools.map((t) => t.name)).toContain("read_file");
    const result = await client.callTool({ name: "read_file", arguments: { path: "/docs/runbook.md" } });
    expect(textOf(result)).toContain("[read as alice]");
    const denied = await client.callTool({ name: "delete_file", arguments: { path: "/x" } }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 403 });
    // The handshake's clientInfo is what a 2025-era client reports.
    expect(sink.ofType("decision").find((d) => d.method === "initialize")).toMatchObject({
      clientName: "portcullis-sdk-1-test",
    });
    await client.close();
  });
});
