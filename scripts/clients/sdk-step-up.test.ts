/**
 * Issue 20, proven with the official TypeScript SDK client (1.32) itself: it signs in with the baseline scope
 * only, calls a tool that needs mcp:tools:admin, steps up through one interactive authorization, succeeds, and
 * still calls the baseline tools without another sign-in. Against the demo's sample server behind the enforcer
 * and the test IdP, with a pre-registered client and with dynamic registration (RFC 7591).
 */
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientLab, scopesOf, startClientLab } from "./lab.js";
import { LabOAuthProvider, REDIRECT_URI } from "./sdk-provider.js";

const ADVERTISED = [
  "mcp:tools",
  "mcp:tools:read",
  "mcp:tools:execute",
  "mcp:resources",
  "mcp:prompts",
  "mcp:tools:admin",
];

let lab: ClientLab;

beforeAll(async () => {
  lab = await startClientLab({
    clients: [
      {
        // Registered by an administrator with the resource's advertised scopes, and held to them by the IdP.
        client_id: "lab-host",
        redirect_uris: [REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        scope: ADVERTISED.join(" "),
      },
    ],
  });
});
afterAll(() => lab?.close());

interface Session {
  client: Client;
  transport: StreamableHTTPClientTransport;
}

function codeOf(callback: URL): string {
  const error = callback.searchParams.get("error");
  if (error) throw new Error(`authorization refused: ${error} ${callback.searchParams.get("error_description")}`);
  return callback.searchParams.get("code") ?? "";
}

/**
 * typescript-sdk#2255 workaround, host side: the SDK answers a 403 insufficient_scope by refreshing when it holds a
 * refresh token (same scope, same 403, "403 after trying upscoping"). Dropping the refresh token when that 403
 * arrives makes it re-authorize with the challenge's scope instead.
 */
function stepUpAwareFetch(provider: LabOAuthProvider): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 403 && /error="insufficient_scope"/.test(res.headers.get("www-authenticate") ?? "")) {
      provider.forgetRefreshToken();
    }
    return res;
  };
}

/**
 * The user signs in for the SDK's last authorization URL and the transport finishes. With dynamic registration,
 * an IdP that holds the client to its registered scope (the 401's baseline) answers the step-up with
 * `invalid_scope` before any page is shown; the host then registers again with the step-up scope and the user
 * signs in once (SDK 1.32 registers with the scope it is about to ask for).
 */
async function signInAndFinish(transport: StreamableHTTPClientTransport, provider: LabOAuthProvider): Promise<void> {
  let callback = await provider.signInAs("alice");
  if (callback.searchParams.get("error") === "invalid_scope" && provider.dynamic) {
    provider.invalidateCredentials("client");
    const scope = scopesOf(provider.authorizationUrls.at(-1) ?? "").join(" ");
    expect(await auth(provider, { serverUrl: lab.resourceUri, scope })).toBe("REDIRECT");
    callback = await provider.signInAs("alice");
  }
  await transport.finishAuth(codeOf(callback));
}

function transportFor(provider: LabOAuthProvider): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(lab.resourceUri), {
    authProvider: provider,
    fetch: stepUpAwareFetch(provider),
  });
}

/** What a host does: connect; on UnauthorizedError let the user sign in, finish, connect again. */
async function connect(provider: LabOAuthProvider): Promise<Session> {
  const open = async () => {
    const transport = transportFor(provider);
    const client = new Client({ name: "issue-20-lab", version: "1.0.0" });
    await client.connect(transport);
    return { client, transport };
  };
  try {
    return await open();
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
  }
  await signInAndFinish(transportFor(provider), provider);
  return open();
}

/** A tool call; on UnauthorizedError (the SDK started a step-up) the user signs in once and the call is retried. */
async function callTool(s: Session, provider: LabOAuthProvider, name: string, args: Record<string, unknown>) {
  try {
    return await s.client.callTool({ name, arguments: args });
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
  }
  await signInAndFinish(s.transport, provider);
  return s.client.callTool({ name, arguments: args });
}

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  return ((result.content as { text?: string }[])[0]?.text ?? "") as string;
}

describe("the SDK client steps up without friction", () => {
  it("pre-registered client: baseline sign-in, one step-up for mcp:tools:admin, baseline tools still work", async () => {
    const provider = new LabOAuthProvider({ clientId: "lab-host" });
    const s = await connect(provider);
    expect(provider.authorizationUrls.map(scopesOf)).toEqual([["mcp:tools"]]); // the 401's baseline, not everything
    // delete_file needs more scope, but is listed: the host can call it and step up on the 403.
    expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual(["read_file", "search", "delete_file"]);
    const deleted = await callTool(s, provider, "delete_file", { path: "/docs/old.md" });
    expect(text(deleted)).toBe("deleted /docs/old.md");
    // One more interactive authorization, asking for what the token had plus the new scope (point 3).
    expect(provider.authorizationUrls).toHaveLength(2);
    expect(scopesOf(provider.authorizationUrls[1] ?? "").sort()).toEqual(["mcp:tools", "mcp:tools:admin"]);
    // The grant was kept: baseline tools and the admin tool, alternately, without another sign-in.
    expect(text(await callTool(s, provider, "read_file", { path: "/docs/readme.md" }))).toContain("[read as alice]");
    expect(text(await callTool(s, provider, "delete_file", { path: "/docs/a.md" }))).toBe("deleted /docs/a.md");
    expect(text(await callTool(s, provider, "search", { query: "jwks" }))).toBe("/docs/runbook.md");
    expect(provider.authorizationUrls).toHaveLength(2);
    await s.client.close();
  });

  it("dynamic registration: registers with the baseline, then steps up with one sign-in", async () => {
    const provider = new LabOAuthProvider();
    const s = await connect(provider);
    expect(provider.registrations).toBe(1);
    expect(provider.authorizationUrls.map(scopesOf)).toEqual([["mcp:tools"]]);
    const deleted = await callTool(s, provider, "delete_file", { path: "/x" });
    expect(text(deleted)).toBe("deleted /x");
    // The IdP refused the step-up for the client registered with the baseline (no page shown); the host
    // registered again with the step-up scope, and the user signed in once more.
    expect(provider.registrations).toBe(2);
    expect(provider.authorizationUrls.slice(1).map((u) => scopesOf(u).sort())).toEqual([
      ["mcp:tools", "mcp:tools:admin"],
      ["mcp:tools", "mcp:tools:admin"],
    ]);
    expect(text(await callTool(s, provider, "read_file", { path: "/docs/readme.md" }))).toContain("[read as alice]");
    expect(text(await callTool(s, provider, "delete_file", { path: "/y" }))).toBe("deleted /y");
    expect(provider.signIns).toBe(2);
    await s.client.close();
  });

  it("pins typescript-sdk#2255: with a refresh token and no workaround, the SDK refreshes instead of stepping up", async () => {
    const provider = new LabOAuthProvider({ clientId: "lab-host" });
    const plain = async () => {
      const transport = new StreamableHTTPClientTransport(new URL(lab.resourceUri), { authProvider: provider });
      const client = new Client({ name: "issue-20-lab", version: "1.0.0" });
      await client.connect(transport);
      return client;
    };
    await plain().catch((err: unknown) => {
      if (!(err instanceof UnauthorizedError)) throw err;
    });
    await new StreamableHTTPClientTransport(new URL(lab.resourceUri), { authProvider: provider }).finishAuth(
      codeOf(await provider.signInAs("alice")),
    );
    expect(provider.tokens()?.refresh_token).toBeTruthy();
    const client = await plain();
    const err = await client.callTool({ name: "delete_file", arguments: { path: "/z" } }).catch((e: unknown) => e);
    // If this starts failing, the SDK fixed the bug: drop stepUpAwareFetch and the README workaround.
    expect(String(err)).toContain("403 after trying upscoping");
    expect(provider.authorizationUrls).toHaveLength(1);
    await client.close();
  });
});
