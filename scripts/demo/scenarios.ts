/**
 * The demo's traffic: the official MCP SDK client (and, where the point is the raw HTTP answer, plain
 * fetch) against the protected server. Every HTTP exchange is recorded, so each scenario reports the
 * status and reason code of the request that decided it, as the enforcer sent them.
 */
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { MintAccessTokenOptions } from "../../e2e/idp/test-idp.js";
import { SERVER_TOOLS } from "./mcp-server.js";

/** One HTTP exchange carrying a JSON-RPC request. */
interface Exchange {
  method: string;
  status: number;
  reason?: string;
  message?: string;
  scope?: string;
  challenge?: string;
}

/** What one scenario showed. `ok` is whether the enforcer answered as the standalone policy says it must. */
export interface Outcome {
  scenario: string;
  expected: { status: number; reason?: string };
  status: number;
  reason?: string;
  detail: string;
  /** The `WWW-Authenticate` header of the deciding answer, when there was one. */
  challenge?: string;
  ok: boolean;
}

export interface ScenarioContext {
  resourceUri: string;
  issuer: string;
  mint: (opts?: MintAccessTokenOptions) => Promise<string>;
  /** The tools the server has (default: the SDK 1.x server's). */
  serverTools?: readonly string[];
}

function recordingFetch(log: Exchange[]): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, init);
    const method = jsonRpcMethod(init?.body);
    if (!method) return res;
    const entry: Exchange = { method, status: res.status };
    const challenge = res.headers.get("www-authenticate");
    if (challenge) entry.challenge = challenge;
    if (res.status >= 400) {
      const body = (await res
        .clone()
        .json()
        .catch(() => undefined)) as
        | { error?: { message?: string; data?: { reason?: string; scope?: string } } }
        | undefined;
      entry.reason = body?.error?.data?.reason;
      entry.message = body?.error?.message;
      entry.scope = body?.error?.data?.scope;
    }
    log.push(entry);
    return res;
  };
}

function jsonRpcMethod(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed = JSON.parse(body) as { method?: unknown };
    return typeof parsed.method === "string" ? parsed.method : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the scenarios in order; a scenario that throws unexpectedly is reported, not fatal. */
export async function runScenarios(ctx: ScenarioContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];

  async function scenario(
    name: string,
    expected: Outcome["expected"],
    body: (log: Exchange[]) => Promise<string>,
  ): Promise<void> {
    const log: Exchange[] = [];
    let detail: string;
    let failure: string | undefined;
    try {
      detail = await body(log);
    } catch (err) {
      failure = err instanceof Error ? err.message.replace(/\s+/g, " ").slice(0, 160) : String(err);
      detail = "";
    }
    // The request that decided the scenario: the first refused one, else the last one.
    const decisive = log.find((e) => e.status >= 400) ?? log.at(-1);
    const status = decisive?.status ?? 0;
    const reason = decisive?.reason;
    if (failure !== undefined) {
      // The SDK client threw: say what the enforcer told it rather than the SDK's wrapper message.
      detail = decisive?.message ? `refused: ${decisive.message}` : `client error: ${failure}`;
    }
    if (decisive?.scope) detail += `; the client can step up to scope "${decisive.scope}"`;
    outcomes.push({
      scenario: name,
      expected,
      status,
      reason,
      detail,
      challenge: decisive?.challenge,
      ok: status === expected.status && reason === expected.reason,
    });
  }

  async function withClient<T>(token: string, log: Exchange[], use: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ name: "portcullis-demo-agent", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(ctx.resourceUri), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: recordingFetch(log),
    });
    try {
      await client.connect(transport);
      return await use(client);
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  const good = await ctx.mint({ sub: "alice", clientId: "agent-1", scopes: ["mcp:tools"] });

  await scenario("list tools (token with mcp:tools)", { status: 200 }, (log) =>
    withClient(good, log, async (client) => {
      const names = (await client.listTools()).tools.map((t) => t.name);
      return `sees [${names.join(", ")}] of the server's [${(ctx.serverTools ?? SERVER_TOOLS).join(", ")}]`;
    }),
  );

  await scenario("call read_file (allowed)", { status: 200 }, (log) =>
    withClient(good, log, async (client) => {
      const result = await client.callTool({ name: "read_file", arguments: { path: "/docs/readme.md" } });
      const first = (result.content as { type: string; text?: string }[])[0];
      return `result: ${first?.text ?? "(empty)"}`;
    }),
  );

  await scenario("call delete_file (not in the allowlist)", { status: 403, reason: "tool_not_allowed" }, (log) =>
    withClient(good, log, async (client) => {
      await client.callTool({ name: "delete_file", arguments: { path: "/docs/readme.md" } });
      return "the tool ran (it should not have)";
    }),
  );

  const resourcesOnly = await ctx.mint({ scopes: ["mcp:resources"] });
  await scenario("list tools with only mcp:resources", { status: 403, reason: "insufficient_scope" }, (log) =>
    withClient(resourcesOnly, log, async (client) => {
      await client.listTools();
      return "listed (it should not have)";
    }),
  );

  const expired = await ctx.mint({ scopes: ["mcp:tools"], expiresInSec: -120 });
  await scenario("token expired 2 minutes ago", { status: 401, reason: "token_expired" }, (log) =>
    withClient(expired, log, async () => "connected (it should not have)"),
  );

  const otherApi = await ctx.mint({ scopes: ["mcp:tools"], audience: "api://another-api" });
  await scenario("token for another API (wrong aud)", { status: 401, reason: "audience_mismatch" }, (log) =>
    withClient(otherApi, log, async () => "connected (it should not have)"),
  );

  await scenario("no token at all", { status: 401, reason: "token_missing" }, async (log) => {
    const res = await recordingFetch(log)(ctx.resourceUri, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(res.headers.get("www-authenticate") ?? "")?.[1];
    if (!metadataUrl) return "no resource_metadata in the challenge";
    const doc = (await (await fetch(metadataUrl)).json()) as { authorization_servers?: string[] };
    return `challenge points to ${new URL(metadataUrl).pathname}, which names the IdP ${doc.authorization_servers?.join(", ")}`;
  });

  // The SDK's own OAuth chain, as a headless agent runs it: 401 → RFC 9728 document → IdP metadata →
  // client_credentials token → retry. Entra app-only tokens carry the grant in `roles`.
  await scenario("headless agent: 401 → discovery → IdP token", { status: 200 }, async (log) => {
    const authProvider = new ClientCredentialsProvider({
      clientId: "agent-1",
      clientSecret: "agent-1-secret",
      scope: "mcp:tools",
      expectedIssuer: ctx.issuer,
    });
    const client = new Client({ name: "portcullis-demo-daemon", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(ctx.resourceUri), {
      authProvider,
      fetch: recordingFetch(log),
    });
    try {
      await client.connect(transport);
      const names = (await client.listTools()).tools.map((t) => t.name);
      // The first 401 was the discovery step, not a failure: report the exchanges after it.
      log.splice(
        0,
        log.findIndex((e) => e.status < 400),
      );
      return `got its own token from the IdP, sees [${names.join(", ")}]`;
    } finally {
      await client.close().catch(() => undefined);
    }
  });

  return outcomes;
}
