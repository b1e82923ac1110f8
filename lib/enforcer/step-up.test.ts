/**
 * Issue 20: what real MCP clients need to step up without friction. The baseline scope on every 401,
 * every required scope advertised (and a policy that forgets one refused), step-up challenges that keep
 * the grant, tools that need more scope shown, browsers welcome at discovery, and the 401's JSON-RPC id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "./enforcer.js";
import { toolsListFilter } from "./mcp/tools-filter.js";
import { ConfigBundle, EnforcerPolicy, type EnforcerPolicyInput } from "./policy.js";
import { type JwksServer, startJwksServer } from "./test-utils/jwks-server.js";
import { createTestKey, createToken } from "./test-utils/keys.js";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE, testPolicy } from "./test-utils/policy.js";
import type { AuthContext } from "./types.js";

const NOW_SEC = 1_700_000_000;
/** The MCP scopes of DOMAIN.md, all advertised. */
const ALL_SCOPES = [
  "mcp:tools",
  "mcp:tools:read",
  "mcp:tools:execute",
  "mcp:resources",
  "mcp:prompts",
  "mcp:tools:admin",
];
const key = createTestKey("RS256", "k1");
let jwks: JwksServer;
const now = () => NOW_SEC * 1000;

beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
});
afterAll(() => jwks.close());

function jwt(scope: string): string {
  return createToken(key, { iss: TEST_ISSUER, aud: TEST_AUDIENCE, nowSec: NOW_SEC, scope, azp: "client-1" });
}

/** A POST as it arrives from the wire (a Fetch `Request` built in code has no Content-Length header). */
function post(body: unknown, headers: Record<string, string> = {}): Request {
  const text = JSON.stringify(body);
  return new Request(TEST_RESOURCE, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      "mcp-protocol-version": "2025-11-25",
      ...headers,
    },
    body: text,
  });
}

const ok = async (_req: Request, _auth: AuthContext) => Response.json({ jsonrpc: "2.0", id: 1, result: {} });

function baseInput(overrides: Partial<EnforcerPolicyInput> = {}): EnforcerPolicyInput {
  return {
    resource: { uri: TEST_RESOURCE, name: "files" },
    idp: {
      kind: "auth0",
      issuers: [TEST_ISSUER],
      jwksUri: "https://idp.test/jwks",
      audiences: [TEST_AUDIENCE],
      authorizationServers: [TEST_ISSUER],
    },
    tools: [{ name: "read_file" }, { name: "admin_tool", scopes: ["mcp:tools:admin"] }],
    ...overrides,
  };
}

describe("policy scopes (points 1 and 2)", () => {
  it("derives scopes_supported from the method rules and every tool's scopes when none is given", () => {
    const policy = EnforcerPolicy.parse(baseInput());
    expect(policy.scopesSupported).toEqual(
      expect.arrayContaining(["mcp:tools", "mcp:tools:read", "mcp:tools:execute", "mcp:resources", "mcp:prompts"]),
    );
    expect(policy.scopesSupported).toContain("mcp:tools:admin");
  });

  it("refuses a policy whose scopesSupported omits a scope a tool requires, naming the scope", () => {
    const result = EnforcerPolicy.safeParse(
      baseInput({
        scopesSupported: ["mcp:tools", "mcp:tools:read", "mcp:tools:execute", "mcp:resources", "mcp:prompts"],
      }),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["scopesSupported"]);
    expect(result.error?.issues[0]?.message).toContain('"mcp:tools:admin"');
    expect(result.error?.issues[0]?.message).toContain("admin_tool");
  });

  it("refuses a baseline scope it does not advertise", () => {
    const result = EnforcerPolicy.safeParse(baseInput({ scopesSupported: ALL_SCOPES, baselineScopes: ["files:read"] }));
    expect(result.error?.issues[0]?.message).toContain('"files:read"');
    expect(
      EnforcerPolicy.parse(baseInput({ scopesSupported: ALL_SCOPES, baselineScopes: ["mcp:tools:read"] }))
        .baselineScopes,
    ).toEqual(["mcp:tools:read"]);
  });

  it("derives the baseline: one scope that lists tools and calls those without scopes of their own", () => {
    expect(EnforcerPolicy.parse(baseInput()).baselineScopes).toEqual(["mcp:tools"]);
    const fine = EnforcerPolicy.parse(
      baseInput({
        methods: { "tools/list": { anyOf: ["mcp:tools:read"] }, "tools/call": { anyOf: ["mcp:tools:execute"] } },
      }),
    );
    expect(fine.baselineScopes).toEqual(["mcp:tools:read", "mcp:tools:execute"]);
    // Only tools that need scopes of their own: listing is all the baseline covers.
    const onlyAdmin = EnforcerPolicy.parse(baseInput({ tools: [{ name: "admin_tool", scopes: ["mcp:tools:admin"] }] }));
    expect(onlyAdmin.baselineScopes).toEqual(["mcp:tools"]);
  });

  it("parses an old bundle (no baselineScopes, no toolsNeedingScope) with the derived defaults", () => {
    const bundle = ConfigBundle.parse({
      version: 3,
      resourceId: "r1",
      publishedAt: "2026-01-01T00:00:00.000Z",
      publishedBy: "admin@example.test",
      policy: baseInput({
        scopesSupported: ALL_SCOPES,
      }),
    });
    expect(bundle.policy.baselineScopes).toEqual(["mcp:tools"]);
    expect(bundle.policy.toolsNeedingScope).toBe("show");
  });
});

describe("the enforcer's answers", () => {
  it("names the baseline scope on every 401, with and without a token (point 1)", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now });
    const missing = await enforcer.handle(post({ jsonrpc: "2.0", id: 1, method: "tools/list" }), ok);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain('scope="mcp:tools"');
    expect(missing.headers.get("www-authenticate")).not.toContain("error=");
    const bad = await enforcer.handle(
      post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: "Bearer not.a.jwt" }),
      ok,
    );
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toMatch(/error="invalid_token".*scope="mcp:tools"/);
  });

  it("sends the configured baseline instead of the derived one", async () => {
    const enforcer = createEnforcer({
      policy: testPolicy(jwks.url, { baselineScopes: ["mcp:tools:read", "mcp:tools:execute"] }),
      now,
    });
    const res = await enforcer.handle(post({ jsonrpc: "2.0", id: 1, method: "tools/list" }), ok);
    expect(res.headers.get("www-authenticate")).toContain('scope="mcp:tools:read mcp:tools:execute"');
  });

  it("advertises the scopes the policy requires in the RFC 9728 document (point 2)", () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now });
    expect(enforcer.metadata().scopes_supported).toContain("files:write");
  });

  it("keeps the token's known scopes in the step-up challenge and drops the ones this resource does not know (point 3)", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now });
    const res = await enforcer.handle(
      post(
        { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "write_file" } },
        { authorization: `Bearer ${jwt("openid mcp:resources mcp:tools profile")}` },
      ),
      ok,
    );
    expect(res.status).toBe(403);
    const challenge = res.headers.get("www-authenticate") ?? "";
    const scope = /scope="([^"]*)"/.exec(challenge)?.[1]?.split(" ") ?? [];
    expect(scope.sort()).toEqual(["files:write", "mcp:resources", "mcp:tools"]);
    expect(((await res.json()) as { id: unknown }).id).toBe(9);
  });

  it("lists enabled tools that need more scope by default, hides them on request, never disabled or unlisted ones (point 4)", () => {
    const auth = { token: { scopes: ["mcp:tools"], claims: {} } } as unknown as AuthContext;
    const names = ["read_file", "write_file", "delete_file", "unknown_tool"];
    const shown = createEnforcer({ policy: testPolicy(jwks.url), now });
    expect(shown.allowedTools(auth, names)).toEqual(["read_file", "write_file"]);
    const hidden = createEnforcer({ policy: testPolicy(jwks.url, { toolsNeedingScope: "hide" }), now });
    expect(hidden.allowedTools(auth, names)).toEqual(["read_file"]);
  });

  it("names the missing scope in the description of a tool shown for step-up, JSON and SSE (point 4)", async () => {
    const tools = [
      { name: "read_file", description: "Reads a file", inputSchema: { type: "object" } },
      { name: "write_file", description: "Writes a file", inputSchema: { type: "object" } },
    ];
    const list = { jsonrpc: "2.0", id: 1, result: { tools } };
    const answers = {
      json: () => Response.json(list),
      sse: () =>
        new Response(`event: message\ndata: ${JSON.stringify(list)}\n\n`, {
          headers: { "content-type": "text/event-stream" },
        }),
    };
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now, responseFilter: toolsListFilter });
    const listed = async (scope: string, kind: keyof typeof answers) => {
      const req = post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${jwt(scope)}` });
      const text = await (await enforcer.handle(req, async () => answers[kind]())).text();
      const body = kind === "json" ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "");
      return (JSON.parse(body) as typeof list).result.tools.map((t) => t.description);
    };
    for (const kind of ["json", "sse"] as const) {
      expect(await listed("mcp:tools", kind)).toEqual(["Reads a file", "Writes a file (requires scope files:write)"]);
      expect(await listed("mcp:tools files:write", kind)).toEqual(["Reads a file", "Writes a file"]);
    }
  });

  it("answers the metadata preflight on both well-known URLs with the headers the SDK sends (point 5)", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now });
    for (const path of enforcer.metadataPaths()) {
      const res = await enforcer.handle(
        new Request(new URL(path, TEST_RESOURCE), {
          method: "OPTIONS",
          headers: {
            origin: "https://anywhere.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "mcp-protocol-version",
          },
        }),
        ok,
      );
      expect(res.status).toBe(204);
      const allowed = (res.headers.get("access-control-allow-headers") ?? "").split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "mcp-protocol-version", "content-type"]));
    }
  });

  it("treats an Origin equal to the resource URI's own origin as same-origin (point 5)", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now });
    const origin = new URL(TEST_RESOURCE).origin;
    const res = await enforcer.handle(
      post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { origin, authorization: `Bearer ${jwt("mcp:tools")}` }),
      ok,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    const preflight = await enforcer.handle(
      new Request(TEST_RESOURCE, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      }),
      ok,
    );
    expect(preflight.status).toBe(204);
    const other = await enforcer.handle(
      post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { origin: "https://evil.example" }),
      ok,
    );
    expect(other.status).toBe(403);
  });

  it("echoes the JSON-RPC id in a 401's body when the body is JSON-RPC (point 6)", async () => {
    const enforcer = createEnforcer({ policy: testPolicy(jwks.url), now });
    const res = await enforcer.handle(post({ jsonrpc: "2.0", id: "req-7", method: "tools/list" }), ok);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      jsonrpc: "2.0",
      id: "req-7",
      error: { data: { reason: "token_missing" } },
    });
    for (const [body, headers] of [
      ["{nope", { "content-length": "5" }],
      ['[{"jsonrpc":"2.0","id":1,"method":"ping"}]', { "content-length": "42" }], // a batch
      [JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }), {}], // no declared length: not read
      [
        JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping", pad: "x".repeat(70_000) }),
        { "content-length": "70050" },
      ],
    ] as const) {
      const res = await enforcer.handle(
        new Request(TEST_RESOURCE, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body,
        }),
        ok,
      );
      expect([res.status, ((await res.json()) as { id: unknown }).id]).toEqual([401, null]);
    }
  });
});
