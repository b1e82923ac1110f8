import { describe, expect, it } from "vitest";
import { EnforcerError, ReasonCode } from "../errors.js";
import { testPolicy } from "../test-utils/policy.js";
import type { ValidatedToken } from "../token/types.js";
import { allowedToolNames, authorizeMessage, methodRule } from "./authorize.js";
import { parseJsonRpc } from "./jsonrpc.js";

const policy = testPolicy("https://idp.test/jwks");

function tok(scopes: string[], claims: Record<string, unknown> = {}): ValidatedToken {
  return { claims: { sub: "u", ...claims }, subject: "u", clientId: "c", scopes, roles: [], expiresAt: 0 };
}

function call(method: string, params?: unknown) {
  return parseJsonRpc(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
}

function decide(p: typeof policy, token: ValidatedToken, rpc: ReturnType<typeof call>) {
  try {
    authorizeMessage(p, token, rpc);
    return { ok: true as const };
  } catch (err) {
    if (!(err instanceof EnforcerError)) throw err;
    const scopes = err.requiredScopes.join(" ");
    return scopes ? { ok: false as const, code: err.code, scopes } : { ok: false as const, code: err.code };
  }
}

describe("methodRule", () => {
  it("uses the policy, then the defaults, then the base protocol, else refuses", () => {
    expect(methodRule(policy, "tools/list")?.anyOf).toEqual(["mcp:tools", "mcp:tools:read"]);
    expect(methodRule(policy, "initialize")?.anyOf).toEqual([]);
    expect(methodRule(policy, "notifications/cancelled")?.anyOf).toEqual([]);
    expect(methodRule(policy, "admin/shutdown")).toBeUndefined();
    expect(methodRule(policy, "constructor")).toBeUndefined();
    expect(methodRule(policy, "__proto__")).toBeUndefined();
  });

  it("lets a policy override or disable a method while keeping the other defaults", () => {
    const p = testPolicy("https://idp.test/jwks", {
      methods: { "tools/call": { anyOf: ["mcp:tools:execute"] }, "prompts/get": { anyOf: [], enabled: false } },
    });
    expect(methodRule(p, "tools/call")?.anyOf).toEqual(["mcp:tools:execute"]);
    expect(methodRule(p, "prompts/get")).toBeUndefined();
    expect(methodRule(p, "tools/list")?.anyOf).toEqual(["mcp:tools", "mcp:tools:read"]);
  });
});

describe("authorizeMessage", () => {
  it.each<
    [
      string,
      string[],
      ReturnType<typeof call>,
      Record<string, unknown>,
      { ok: boolean; code?: string; scopes?: string },
    ]
  >([
    ["initialize with no scopes", [], call("initialize"), {}, { ok: true }],
    ["ping", [], call("ping"), {}, { ok: true }],
    ["tools/list with mcp:tools:read", ["mcp:tools:read"], call("tools/list"), {}, { ok: true }],
    [
      "tools/list without scopes",
      ["openid"],
      call("tools/list"),
      {},
      { ok: false, code: "insufficient_scope", scopes: "mcp:tools" },
    ],
    [
      "resources/read needs mcp:resources (the step-up keeps the token's mcp:tools)",
      ["mcp:tools"],
      call("resources/read", { uri: "file:///a" }),
      {},
      { ok: false, code: "insufficient_scope", scopes: "mcp:tools mcp:resources" },
    ],
    ["prompts/get with mcp:prompts", ["mcp:prompts"], call("prompts/get", { name: "p" }), {}, { ok: true }],
    ["an unknown method", ["mcp:tools"], call("admin/shutdown"), {}, { ok: false, code: "method_not_allowed" }],
    ["an allowed tool", ["mcp:tools"], call("tools/call", { name: "read_file" }), {}, { ok: true }],
    [
      "an unlisted tool",
      ["mcp:tools"],
      call("tools/call", { name: "rm_rf" }),
      {},
      { ok: false, code: "tool_not_allowed" },
    ],
    [
      "a disabled tool",
      ["mcp:tools"],
      call("tools/call", { name: "delete_file" }),
      {},
      { ok: false, code: "tool_not_allowed" },
    ],
    [
      "a look-alike tool name (Cyrillic а)",
      ["mcp:tools"],
      call("tools/call", { name: "re\u0430d_file" }),
      {},
      { ok: false, code: "tool_not_allowed" },
    ],
    [
      "a case variant",
      ["mcp:tools"],
      call("tools/call", { name: "Read_File" }),
      {},
      { ok: false, code: "tool_not_allowed" },
    ],
    [
      "a tool scope missing",
      ["mcp:tools"],
      call("tools/call", { name: "write_file" }),
      {},
      { ok: false, code: "insufficient_scope", scopes: "mcp:tools files:write" },
    ],
    [
      "method and tool scope missing",
      ["openid"],
      call("tools/call", { name: "write_file" }),
      {},
      { ok: false, code: "insufficient_scope", scopes: "mcp:tools files:write" },
    ],
    [
      "keeps the method scope the token holds",
      ["mcp:tools:execute"],
      call("tools/call", { name: "write_file" }),
      {},
      { ok: false, code: "insufficient_scope", scopes: "mcp:tools:execute files:write" },
    ],
    [
      "tool and method scopes held",
      ["mcp:tools:execute", "files:write"],
      call("tools/call", { name: "write_file" }),
      {},
      { ok: true },
    ],
    [
      "mcp_allowed_tools narrows",
      ["mcp:tools"],
      call("tools/call", { name: "read_file" }),
      { mcp_allowed_tools: ["write_file"] },
      { ok: false, code: "tool_not_allowed" },
    ],
    [
      "mcp_allowed_tools string form allows",
      ["mcp:tools"],
      call("tools/call", { name: "read_file" }),
      { mcp_allowed_tools: "search read_file" },
      { ok: true },
    ],
    [
      "mcp_allowed_tools never widens",
      ["mcp:tools"],
      call("tools/call", { name: "rm_rf" }),
      { mcp_allowed_tools: ["rm_rf"] },
      { ok: false, code: "tool_not_allowed" },
    ],
    [
      "malformed mcp_allowed_tools narrows to nothing",
      ["mcp:tools"],
      call("tools/call", { name: "read_file" }),
      { mcp_allowed_tools: 1 },
      { ok: false, code: "tool_not_allowed" },
    ],
  ])("%s", (_, scopes, rpc, claims, expected) => {
    expect(decide(policy, tok(scopes, claims), rpc)).toEqual(expected);
  });

  it("allows unlisted tools only when the policy says so", () => {
    const open = testPolicy("https://idp.test/jwks", { unlistedTools: "allow" });
    expect(decide(open, tok(["mcp:tools"]), call("tools/call", { name: "anything" }))).toEqual({ ok: true });
    expect(decide(open, tok(["mcp:tools"]), call("tools/call", { name: "delete_file" })).ok).toBe(false);
  });

  it("lets JSON-RPC responses to server requests through with a valid token", () => {
    expect(decide(policy, tok([]), parseJsonRpc('{"jsonrpc":"2.0","id":3,"result":{}}'))).toEqual({ ok: true });
  });
});

describe("allowedToolNames", () => {
  it("shows enabled tools that need more scope by default (step-up), never disabled or unlisted ones", () => {
    const names = ["read_file", "write_file", "delete_file", "unlisted"];
    expect(allowedToolNames(policy, tok(["mcp:tools"]), names)).toEqual(["read_file", "write_file"]);
    expect(allowedToolNames(policy, tok(["files:write"], { mcp_allowed_tools: ["write_file"] }), names)).toEqual([
      "write_file",
    ]);
  });

  it("keeps only tools the token may call when the policy hides tools that need more scope", () => {
    const policy = testPolicy("https://idp.test/jwks", { toolsNeedingScope: "hide" });
    const names = ["read_file", "write_file", "delete_file", "unlisted"];
    expect(allowedToolNames(policy, tok(["mcp:tools"]), names)).toEqual(["read_file"]);
    expect(allowedToolNames(policy, tok(["mcp:tools", "files:write"]), names)).toEqual(["read_file", "write_file"]);
    expect(allowedToolNames(policy, tok(["files:write"], { mcp_allowed_tools: ["write_file"] }), names)).toEqual([
      "write_file",
    ]);
  });
});

describe("error metadata", () => {
  it("insufficient_scope carries status 403 and the scopes in the challenge", () => {
    try {
      authorizeMessage(policy, tok(["mcp:tools"]), call("tools/call", { name: "write_file" }));
      expect.unreachable();
    } catch (err) {
      expect((err as EnforcerError).status).toBe(403);
      expect((err as EnforcerError).challenge({ resourceMetadata: "https://m/x" })).toContain(
        'scope="mcp:tools files:write"',
      );
      expect((err as EnforcerError).code).toBe(ReasonCode.InsufficientScope);
    }
  });
});
