/**
 * Raw HTTP against the enforcer's Node handler (issue 22): the MCP 2026-07-28 rules (header/body validation,
 * server/discover, subscriptions/listen, cacheScope, task handles, MRTR retries, revision gate, clientInfo
 * telemetry) beside the 2025 revisions. Tokens come from the shared test IdP; the "server" behind the enforcer is
 * a stub that records what reached it and answers canned MCP results.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../../../e2e/idp/test-idp.js";
import { createNodeHandler } from "../adapters/node-http.js";
import { createEnforcer } from "../enforcer.js";
import { EnforcerPolicy, type EnforcerPolicyInput } from "../policy.js";
import { createRecordingSink } from "../telemetry/sink.js";
import type { Enforcer } from "../types.js";

const MODERN = "2026-07-28";
let idp: TestIdp;
let server: Server;
let resourceUri = "";
let enforcer: Enforcer;
let current: EnforcerPolicy;
const sink = createRecordingSink();
/** Bodies that reached the stub server. */
const reached: { method: string; params: Record<string, unknown> }[] = [];
let taskCounter = 0;

function policyWith(extra: Partial<EnforcerPolicyInput> = {}): EnforcerPolicy {
  return EnforcerPolicy.parse({
    resource: { uri: resourceUri, name: "files" },
    idp: {
      kind: "oidc",
      issuers: [idp.issuer],
      jwksUri: idp.jwksUri,
      audiences: [resourceUri],
      authorizationServers: [idp.issuer],
    },
    tools: [
      { name: "read_file" },
      { name: "start_job" },
      { name: "ask" },
      { name: "delete_file", scopes: ["mcp:tools:admin"] },
      { name: "weird näme" },
    ],
    ...extra,
  });
}

/** The stub MCP server: canned results by method and tool. */
function answer(method: string, params: Record<string, unknown>, id: unknown): unknown {
  if (method === "tools/list") {
    return {
      tools: [
        {
          name: "read_file",
          inputSchema: {
            type: "object",
            properties: { path: { type: "string" }, region: { type: "string", "x-mcp-header": "Region" } },
          },
        },
        { name: "secret_tool", inputSchema: { type: "object" } },
        { name: "delete_file", inputSchema: { type: "object" } },
        { name: "start_job", inputSchema: { type: "object" } },
      ],
      ttlMs: 60_000,
      cacheScope: "public",
    };
  }
  if (method === "tools/call" && params.name === "start_job") {
    taskCounter += 1;
    const now = new Date().toISOString();
    return {
      task: { taskId: `task-${taskCounter}`, status: "working", ttl: null, createdAt: now, lastUpdatedAt: now },
    };
  }
  if (method === "tools/call" && params.name === "ask" && params.inputResponses === undefined) {
    return {
      resultType: "input_required",
      inputRequests: { confirm: { method: "elicitation/create", params: { message: "Sure?", requestedSchema: {} } } },
      requestState: "opaque-state",
    };
  }
  return { ok: true, method, id };
}

beforeAll(async () => {
  idp = await startTestIdp({ shape: "oidc" });
  let listener: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => void s.writeHead(503).end();
  server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  resourceUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  current = policyWith();
  enforcer = createEnforcer({ policy: () => current, sink });
  listener = createNodeHandler(enforcer, (req, res) => {
    const body = req.body as { method: string; params?: Record<string, unknown>; id?: unknown };
    const params = body.params ?? {};
    reached.push({ method: body.method, params });
    const text = JSON.stringify({ jsonrpc: "2.0", id: body.id ?? null, result: answer(body.method, params, body.id) });
    res.writeHead(200, { "content-type": "application/json" }).end(text);
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await idp.close();
});

beforeEach(() => {
  reached.length = 0;
  sink.clear();
  setPolicy(policyWith());
});

function setPolicy(p: EnforcerPolicy): void {
  current = p;
}

async function token(scopes: string[] = ["mcp:tools"], sub = "alice", clientId = "agent-1"): Promise<string> {
  return idp.mintAccessToken({ sub, clientId, scopes, audience: resourceUri });
}

const NAME_SOURCE: Record<string, string> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "tasks/get": "taskId",
  "tasks/update": "taskId",
  "tasks/cancel": "taskId",
};

interface ModernOptions {
  headers?: Record<string, string | undefined>;
  meta?: Record<string, unknown>;
  clientInfo?: unknown;
}

/** A 2026-07-28 POST: `_meta` envelope in the body, the standard headers mirrored from it. */
async function modern(bearer: string, method: string, params: Record<string, unknown> = {}, o: ModernOptions = {}) {
  const meta = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientInfo": o.clientInfo ?? { name: "raw-test", version: "0.0.1" },
    "io.modelcontextprotocol/clientCapabilities": {},
    ...o.meta,
  };
  const source = NAME_SOURCE[method];
  const name = source ? params[source] : undefined;
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${bearer}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN,
    "mcp-method": method,
    ...(typeof name === "string" ? { "mcp-name": name } : {}),
    ...o.headers,
  };
  return send(headers, { jsonrpc: "2.0", id: 7, method, params: { ...params, _meta: meta } });
}

/** A 2025-era POST (no envelope; the version in `MCP-Protocol-Version`, or none). */
async function legacy(bearer: string, method: string, params: Record<string, unknown> = {}, version?: string) {
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${bearer}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": version,
  };
  return send(headers, { jsonrpc: "2.0", id: 3, method, params });
}

async function send(headers: Record<string, string | undefined>, body: unknown) {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) clean[k] = v;
  const res = await fetch(resourceUri, { method: "POST", headers: clean, body: JSON.stringify(body) });
  const text = await res.text();
  let json: {
    error?: { code: number; message: string; data?: Record<string, unknown> };
    result?: Record<string, unknown>;
  } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, challenge: res.headers.get("www-authenticate") ?? "" };
}

/** The scopes a `WWW-Authenticate` challenge asks for. */
const scopeOf = (challenge: string) => (/scope="([^"]*)"/.exec(challenge)?.[1] ?? "").split(" ").filter(Boolean);

const b64 = (s: string) => `=?base64?${Buffer.from(s, "utf8").toString("base64")}?=`;

describe("1. header/body validation (2026-07-28)", () => {
  it("passes a request whose headers mirror the body", async () => {
    const res = await modern(await token(), "tools/call", { name: "read_file", arguments: { path: "/a" } });
    expect(res.status).toBe(200);
    expect(reached.map((r) => r.params.name)).toEqual(["read_file"]);
  });

  it.each([
    ["an Mcp-Name naming another tool", { "mcp-name": "delete_file" }],
    ["an Mcp-Name that is absent", { "mcp-name": undefined }],
    ["an Mcp-Method that is absent", { "mcp-method": undefined }],
    ["an Mcp-Method naming another method", { "mcp-method": "tools/list" }],
    ["an MCP-Protocol-Version that disagrees with _meta", { "mcp-protocol-version": "2025-11-25" }],
    ["an MCP-Protocol-Version that is absent", { "mcp-protocol-version": undefined }],
    ["an Mcp-Name whose base64 decodes to another tool", { "mcp-name": b64("delete_file") }],
    ["an Mcp-Name with a broken base64 sentinel", { "mcp-name": "=?base64?!!!?=" }],
  ])("refuses %s with 400 / -32020 before authorization, without reaching the server", async (_label, headers) => {
    // The token may not call delete_file: a mismatch must not turn into a 403 step-up challenge.
    const res = await modern(await token(), "tools/call", { name: "read_file", arguments: {} }, { headers });
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe(-32020);
    expect(res.challenge).not.toContain("insufficient_scope");
    expect(reached).toEqual([]);
    const decision = sink.ofType("decision").at(-1);
    // Telemetry keeps the body's values.
    expect(decision).toMatchObject({
      outcome: "deny",
      reason: "header_mismatch",
      method: "tools/call",
      tool: "read_file",
    });
  });

  it("decodes a base64 Mcp-Name before comparing (a name outside the header-safe set)", async () => {
    const res = await modern(
      await token(),
      "tools/call",
      { name: "weird näme" },
      { headers: { "mcp-name": b64("weird näme") } },
    );
    expect(res.status).toBe(200);
    expect(reached).toHaveLength(1);
  });

  it("checks Mcp-Name against params.uri for resources/read", async () => {
    const bearer = await token(["mcp:resources"]);
    const bad = await modern(bearer, "resources/read", { uri: "file:///a" }, { headers: { "mcp-name": "file:///b" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe(-32020);
    expect((await modern(bearer, "resources/read", { uri: "file:///a" })).status).toBe(200);
  });

  it("checks the Mcp-Param-* headers a tool declares (learned from its tools/list) against the arguments", async () => {
    const bearer = await token();
    expect((await modern(bearer, "tools/list")).status).toBe(200);
    const call = (headers: Record<string, string | undefined>, region: unknown = "us-west1") =>
      modern(bearer, "tools/call", { name: "read_file", arguments: { path: "/a", region } }, { headers });
    expect((await call({ "mcp-param-region": "us-west1" })).status).toBe(200);
    expect((await call({ "mcp-param-region": b64("us-west1") })).status).toBe(200);
    const wrong = await call({ "mcp-param-region": "eu-north1" });
    expect([wrong.status, wrong.json.error?.code]).toEqual([400, -32020]);
    const missing = await call({});
    expect([missing.status, missing.json.error?.code]).toEqual([400, -32020]);
    const invalid = await call({ "mcp-param-region": "=?base64?@@?=" });
    expect([invalid.status, invalid.json.error?.code]).toEqual([400, -32020]);
    // A null argument: the header is not expected.
    expect((await call({}, null)).status).toBe(200);
    // An unrecognised Mcp-Param header is forwarded and otherwise ignored.
    expect((await call({ "mcp-param-region": "us-west1", "mcp-param-other": "x" })).status).toBe(200);
  });

  it("leaves 2025-era requests alone: no Mcp-Method or Mcp-Name needed", async () => {
    const res = await legacy(await token(), "tools/call", { name: "read_file" }, "2025-11-25");
    expect(res.status).toBe(200);
  });
});

describe("2. server/discover", () => {
  it("needs a valid token and no further scope by default", async () => {
    const res = await modern(await token([]), "server/discover");
    expect(res.status).toBe(200);
    expect(reached.map((r) => r.method)).toEqual(["server/discover"]);
  });

  it("still needs a valid token", async () => {
    const res = await send(
      { "content-type": "application/json", "mcp-protocol-version": MODERN, "mcp-method": "server/discover" },
      {
        jsonrpc: "2.0",
        id: 1,
        method: "server/discover",
        params: { _meta: { "io.modelcontextprotocol/protocolVersion": MODERN } },
      },
    );
    expect(res.status).toBe(401);
  });

  it("follows the policy's method map when it names server/discover", async () => {
    setPolicy(policyWith({ methods: { "server/discover": { anyOf: ["mcp:tools"] } } }));
    const res = await modern(await token([]), "server/discover");
    expect(res.status).toBe(403);
    expect(scopeOf(res.challenge)).toContain("mcp:tools");
  });
});

describe("3. subscriptions/listen", () => {
  const listen = async (scopes: string[], notifications: Record<string, unknown>) =>
    modern(await token(scopes), "subscriptions/listen", { notifications });

  it("allows list-change opt-ins whose list method the token may call", async () => {
    expect((await listen(["mcp:tools"], { toolsListChanged: true })).status).toBe(200);
    expect(
      (await listen(["mcp:resources"], { resourcesListChanged: true, resourceSubscriptions: ["file:///a"] })).status,
    ).toBe(200);
    expect((await listen(["mcp:prompts"], { promptsListChanged: true })).status).toBe(200);
  });

  it("refuses an opt-in the token may not see with 403 and a step-up challenge", async () => {
    const tools = await listen(["mcp:resources"], { toolsListChanged: true, resourcesListChanged: true });
    expect(tools.status).toBe(403);
    expect(tools.challenge).toContain('error="insufficient_scope"');
    expect(scopeOf(tools.challenge)).toContain("mcp:tools");
    const subs = await listen(["mcp:tools"], { toolsListChanged: true, resourceSubscriptions: ["file:///secret"] });
    expect(subs.status).toBe(403);
    expect(scopeOf(subs.challenge)).toContain("mcp:resources");
    expect(reached).toEqual([]);
  });

  it("refuses an opt-in whose list method the policy disables", async () => {
    setPolicy(policyWith({ methods: { "prompts/list": { anyOf: [], enabled: false } } }));
    const res = await listen(["mcp:prompts"], { promptsListChanged: true });
    expect(res.status).toBe(403);
    expect(res.json.error?.data?.reason).toBe("method_not_allowed");
  });
});

describe("4. filtered list results", () => {
  it("become cacheScope private, keep the server's order and ttlMs", async () => {
    const res = await modern(await token(["mcp:tools"]), "tools/list");
    expect(res.status).toBe(200);
    const result = res.json.result as { tools: { name: string }[]; ttlMs: number; cacheScope: string };
    const names = result.tools.map((t) => t.name);
    // secret_tool is not in the policy; the rest keeps the server's order (read_file, …, start_job).
    expect(names).not.toContain("secret_tool");
    expect(names[0]).toBe("read_file");
    expect(names.at(-1)).toBe("start_job");
    expect(result.cacheScope).toBe("private");
    expect(result.ttlMs).toBe(60_000);
  });

  it("are private even when the filter happens to keep every tool", async () => {
    setPolicy(policyWith({ unlistedTools: "allow", tools: [] }));
    const res = await modern(await token(["mcp:tools"]), "tools/list");
    const result = res.json.result as { tools: unknown[]; cacheScope: string };
    expect(result.tools).toHaveLength(4);
    expect(result.cacheScope).toBe("private");
  });
});

describe("5. task handles and MRTR retries", () => {
  async function startJob(bearer: string): Promise<string> {
    const res = await modern(bearer, "tools/call", { name: "start_job", arguments: {} });
    expect(res.status).toBe(200);
    return String((res.json.result?.task as { taskId: string } | undefined)?.taskId);
  }

  it("lets the principal that created a task poll and update it", async () => {
    const alice = await token(["mcp:tools"]);
    const taskId = await startJob(alice);
    expect((await modern(alice, "tasks/get", { taskId })).status).toBe(200);
    expect((await modern(alice, "tasks/update", { taskId, inputResponses: {} })).status).toBe(200);
  });

  it.each([
    ["another subject", ["bob", "agent-1"]],
    ["another client of the same subject", ["alice", "agent-2"]],
  ])("refuses %s with 403 and never reaches the server", async (_label, [sub, client]) => {
    const taskId = await startJob(await token(["mcp:tools"]));
    reached.length = 0;
    const other = await token(["mcp:tools"], sub, client);
    for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
      const res = await modern(other, method, { taskId });
      expect(res.status).toBe(403);
      expect(res.json.error?.data?.reason).toBe("task_not_owned");
      expect(res.challenge).not.toContain("insufficient_scope");
    }
    expect(reached).toEqual([]);
  });

  it("refuses a task handle it never saw created (fail closed)", async () => {
    const res = await modern(await token(["mcp:tools"]), "tasks/get", { taskId: "task-guessed" });
    expect(res.status).toBe(403);
  });

  it("binds tasks created through a 2025-11-25 call too", async () => {
    const alice = await token(["mcp:tools"]);
    const created = await legacy(alice, "tools/call", { name: "start_job", task: {} }, "2025-11-25");
    const taskId = String((created.json.result?.task as { taskId: string } | undefined)?.taskId);
    expect((await legacy(alice, "tasks/get", { taskId }, "2025-11-25")).status).toBe(200);
    expect((await legacy(await token(["mcp:tools"], "bob"), "tasks/get", { taskId }, "2025-11-25")).status).toBe(403);
  });

  it("authorizes an input_required retry as a new request", async () => {
    const first = await modern(await token(["mcp:tools"]), "tools/call", { name: "ask", arguments: {} });
    expect(first.json.result?.resultType).toBe("input_required");
    const retry = {
      name: "ask",
      arguments: {},
      inputResponses: { confirm: { action: "accept" } },
      requestState: "opaque-state",
    };
    // The same retry with a token that may not call tools is refused, whatever the first round allowed.
    const refused = await modern(await token(["mcp:resources"]), "tools/call", retry);
    expect(refused.status).toBe(403);
    expect(scopeOf(refused.challenge)).toContain("mcp:tools");
    const ok = await modern(await token(["mcp:tools"]), "tools/call", retry);
    expect(ok.status).toBe(200);
    expect(reached.filter((r) => r.params.inputResponses !== undefined)).toHaveLength(1);
  });
});

describe("6. both eras, and the oldest accepted revision", () => {
  it.each(["2025-06-18", "2025-11-25"])("keeps today's behaviour for %s", async (version) => {
    const bearer = await token(["mcp:tools"]);
    expect((await legacy(bearer, "tools/call", { name: "read_file" }, version)).status).toBe(200);
    const denied = await legacy(bearer, "tools/call", { name: "delete_file" }, version);
    expect(denied.status).toBe(403);
    expect(scopeOf(denied.challenge)).toEqual(expect.arrayContaining(["mcp:tools", "mcp:tools:admin"]));
  });

  it("reads an initialize's version from its params (the header comes after the handshake)", async () => {
    const res = await legacy(await token(), "initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "c", version: "1" },
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ["an older revision", "2025-03-26", "tools/call"],
    ["no version at all (2025-03-26 by the spec)", undefined, "tools/call"],
    ["an unknown revision", "2031-01-01", "tools/call"],
  ])("refuses %s with 400 and UnsupportedProtocolVersion", async (_label, version, method) => {
    const res = await legacy(await token(), method, { name: "read_file" }, version);
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe(-32022);
    expect(res.json.error?.data?.supported).toEqual(["2025-06-18", "2025-11-25", MODERN]);
    expect(reached).toEqual([]);
  });

  it("refuses an initialize offering a revision older than the oldest accepted", async () => {
    const res = await legacy(await token(), "initialize", { protocolVersion: "2024-11-05", capabilities: {} });
    expect([res.status, res.json.error?.code]).toEqual([400, -32022]);
  });

  it("refuses a modern envelope naming a revision it does not know", async () => {
    const res = await modern(
      await token(),
      "tools/list",
      {},
      {
        meta: { "io.modelcontextprotocol/protocolVersion": "2031-01-01" },
        headers: { "mcp-protocol-version": "2031-01-01" },
      },
    );
    expect([res.status, res.json.error?.code]).toEqual([400, -32022]);
  });

  it("lets the policy raise the oldest accepted revision", async () => {
    setPolicy(policyWith({ protocol: { oldestRevision: "2025-11-25" } }));
    const old = await legacy(await token(), "tools/call", { name: "read_file" }, "2025-06-18");
    expect([old.status, old.json.error?.code]).toEqual([400, -32022]);
    expect(old.json.error?.data?.supported).toEqual(["2025-11-25", MODERN]);
    expect((await legacy(await token(), "tools/call", { name: "read_file" }, "2025-11-25")).status).toBe(200);
  });

  it("parses a bundle written before the field existed (default 2025-06-18)", () => {
    expect(policyWith().protocol.oldestRevision).toBe("2025-06-18");
  });
});

describe("7. clientInfo in telemetry", () => {
  it("records the per-request clientInfo name and version on the decision", async () => {
    await modern(await token(), "tools/list", {}, { clientInfo: { name: "Claude Desktop", version: "2.4.1" } });
    expect(sink.ofType("decision").at(-1)).toMatchObject({ clientName: "Claude Desktop", clientVersion: "2.4.1" });
  });

  it("bounds the size and drops control characters", async () => {
    await modern(await token(), "tools/list", {}, { clientInfo: { name: `x\u0000${"a".repeat(500)}`, version: 42 } });
    const d = sink.ofType("decision").at(-1) as { clientName?: string; clientVersion?: string };
    expect(d.clientName?.length).toBeLessThanOrEqual(64);
    expect(d.clientName).not.toContain("\u0000");
    expect(d.clientVersion).toBeUndefined();
  });

  it("bounds the cardinality per resource: new clients past the limit are recorded as (other)", async () => {
    const bearer = await token();
    for (let i = 0; i < 70; i++) {
      await modern(bearer, "server/discover", {}, { clientInfo: { name: `bot-${i}`, version: "1" } });
    }
    const names = new Set(sink.ofType("decision").map((d) => (d as { clientName?: string }).clientName));
    expect(names.has("(other)")).toBe(true);
    expect(names.size).toBeLessThanOrEqual(65);
  });
});
