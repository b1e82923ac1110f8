/**
 * A stateful MCP SDK server (sessions, an in-order event store for resumption) behind the Node adapter:
 * SSE resumption must not replay an unfiltered tool list (issue 10 #4), and a session belongs to the principal
 * that created it (issue 10 #5). Real SDK transport, real HTTP, tokens from a local key set.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type EventStore, StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "../enforcer.js";
import { type JwksServer, startJwksServer } from "../test-utils/jwks-server.js";
import { createTestKey, createToken } from "../test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, testPolicy } from "../test-utils/policy.js";
import { createNodeHandler } from "./node-http.js";

const key = createTestKey("RS256", "k1");
let jwks: JwksServer;
let server: Server;
let base = "";
const transports = new Map<string, StreamableHTTPServerTransport>();

function buildMcpServer(): McpServer {
  const mcp = new McpServer({ name: "files", version: "1.0.0" });
  const ok = async () => ({ content: [{ type: "text" as const, text: "ok" }] });
  mcp.registerTool("read_file", { description: "Reads a file" }, ok);
  mcp.registerTool("secret_tool", { description: "Hidden: not in the policy" }, ok);
  return mcp;
}

function token(sub: string, scope = "mcp:tools", extra: Record<string, unknown> = {}): string {
  const nowSec = Math.floor(Date.now() / 1000);
  return createToken(key, { iss: TEST_ISSUER, aud: TEST_AUDIENCE, nowSec, sub, scope, azp: "agent-1", ...extra });
}

async function post(bearer: string, body: unknown, session?: string): Promise<Response> {
  return fetch(`${base}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${bearer}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
      ...(session ? { "mcp-session-id": session } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** initialize + notifications/initialized; returns the session id. */
async function openSession(bearer: string): Promise<string> {
  const res = await post(bearer, {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
  });
  expect(res.status).toBe(200);
  await res.text();
  const session = res.headers.get("mcp-session-id") ?? "";
  expect(session).not.toBe("");
  const ack = await post(bearer, { jsonrpc: "2.0", method: "notifications/initialized" }, session);
  expect(ack.status).toBe(202);
  return session;
}

/** Reads an SSE response until `until` matches the text so far (the GET stream stays open), then aborts. */
async function readSse(res: Response, until: (text: string) => boolean, ms = 2000): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  while (!until(text) && Date.now() < deadline) {
    const next = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((r) =>
        setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()),
      ),
    ]);
    if (next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

/**
 * The event store for resumption, in storing order. The SDK's example `InMemoryEventStore` replays by sorting
 * event ids as text (`stream_<ms>_<random>`): two events stored in one millisecond, here the stream's priming
 * event and the tools/list answer, are then ordered by a random suffix, and half the time the answer sorts
 * before the cursor and is never replayed (this test failed that way on loaded machines).
 */
function orderedEventStore(): EventStore {
  const events: { id: string; streamId: string; message: JSONRPCMessage }[] = [];
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${events.length}`;
      events.push({ id, streamId, message });
      return id;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = events.findIndex((e) => e.id === lastEventId);
      const cursor = events[at];
      if (!cursor) return "";
      for (const e of events.slice(at + 1)) if (e.streamId === cursor.streamId) await send(e.id, e.message);
      return cursor.streamId;
    },
  };
}

beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
  const enforcer = createEnforcer({ policy: testPolicy(jwks.url) });
  server = createServer(
    createNodeHandler(enforcer, async (req, res) => {
      const sid = req.headers["mcp-session-id"];
      let transport = typeof sid === "string" ? transports.get(sid) : undefined;
      if (!transport) {
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          eventStore: orderedEventStore(),
          onsessioninitialized: (id) => void transports.set(id, created),
        });
        await buildMcpServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, req.body);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const t of transports.values()) await t.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await jwks.close();
});

describe("SSE resumption and tools/list filtering (issue 10 #4)", () => {
  it("filters a tools/list response replayed on GET with Last-Event-ID", async () => {
    const alice = token("alice");
    const session = await openSession(alice);
    const listed = await post(alice, { jsonrpc: "2.0", id: 1, method: "tools/list" }, session);
    expect(listed.headers.get("content-type")).toContain("text/event-stream");
    const live = await listed.text();
    expect(live).toContain("read_file");
    expect(live).not.toContain("secret_tool");
    // The SDK primes each stream with an empty event whose id is the resumption cursor.
    const priming = /^id: (\S+)$/m.exec(live)?.[1] ?? "";
    expect(priming).not.toBe("");

    const replay = await fetch(`${base}/mcp`, {
      headers: {
        authorization: `Bearer ${alice}`,
        accept: "text/event-stream",
        "mcp-session-id": session,
        "mcp-protocol-version": "2025-11-25",
        "last-event-id": priming,
      },
    });
    expect(replay.status).toBe(200);
    const replayed = await readSse(replay, (t) => t.includes('"tools"'));
    expect(replayed).toContain("read_file"); // the replay happened…
    expect(replayed).not.toContain("secret_tool"); // …filtered
    expect(replayed).not.toContain("Hidden");
  });
});

describe("MCP sessions bound to the principal that created them (issue 10 #5)", () => {
  async function reason(res: Response): Promise<string | undefined> {
    const body = (await res.json().catch(() => ({}))) as { error?: { data?: { reason?: string } } };
    return body.error?.data?.reason;
  }
  const get = (bearer: string, session: string) =>
    fetch(`${base}/mcp`, {
      headers: { authorization: `Bearer ${bearer}`, accept: "text/event-stream", "mcp-session-id": session },
    });
  const del = (bearer: string, session: string) =>
    fetch(`${base}/mcp`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${bearer}`, "mcp-session-id": session },
    });

  it("refuses another user's token on a session (POST, GET and DELETE) with 403 session_mismatch", async () => {
    const session = await openSession(token("alice"));
    const bob = token("bob");
    const listed = await post(bob, { jsonrpc: "2.0", id: 1, method: "tools/list" }, session);
    expect(listed.status).toBe(403);
    expect(await reason(listed)).toBe("session_mismatch");
    const stream = await get(bob, session);
    expect(stream.status).toBe(403);
    expect(await reason(stream)).toBe("session_mismatch");
    const deleted = await del(bob, session);
    expect(deleted.status).toBe(403);
    expect(await reason(deleted)).toBe("session_mismatch");
    // Same subject through another client, or from another issuer's namespace: another principal too.
    const otherClient = await post(
      token("alice", "mcp:tools", { azp: "agent-2" }),
      { jsonrpc: "2.0", id: 2, method: "ping" },
      session,
    );
    expect(otherClient.status).toBe(403);
    // The owner still works, and may end the session.
    const own = await post(token("alice"), { jsonrpc: "2.0", id: 3, method: "tools/list" }, session);
    expect(own.status).toBe(200);
    await own.text();
    expect((await del(token("alice"), session)).status).toBe(200);
  });

  it("requires an MCP scope for GET and DELETE: an openid-only token cannot end a session", async () => {
    const session = await openSession(token("carol"));
    const weak = token("carol", "openid");
    const deleted = await del(weak, session);
    expect(deleted.status).toBe(403);
    expect(await reason(deleted)).toBe("insufficient_scope");
    expect(deleted.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    const stream = await get(weak, session);
    expect(stream.status).toBe(403);
    expect(await reason(stream)).toBe("insufficient_scope");
    const own = await post(token("carol"), { jsonrpc: "2.0", id: 1, method: "ping" }, session);
    expect(own.status).toBe(200); // the session survived
    await own.text();
  });

  it("answers methods other than GET, POST and DELETE with 405 and Allow, before the downstream sees them", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url) });
    let forwarded = 0;
    const next = async () => {
      forwarded++;
      return new Response("downstream");
    };
    for (const method of ["PUT", "PATCH", "HEAD", "OPTIONS"]) {
      const res = await enforcer.handle(
        new Request("https://mcp.example.com/mcp", { method, headers: { authorization: `Bearer ${token("dave")}` } }),
        next,
      );
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST, DELETE");
    }
    expect(forwarded).toBe(0);
  });
});
