/**
 * The MCP-aware policy decision: JSON-RPC method → required scopes, `tools/call` → allowlist, tool
 * scopes and the `mcp_allowed_tools` claim. Pure functions of (policy, token, message).
 *
 * Method resolution, first match wins:
 * 1. `policy.methods[method]` (an entry with `enabled: false` refuses the method);
 * 2. the built-in defaults (`DEFAULT_METHOD_SCOPES`, plus `completion/complete`, `logging/setLevel`, `tasks/*`);
 * 3. the MCP base protocol (`initialize`, `ping`, `notifications/*`) and JSON-RPC responses: a valid token;
 * 4. anything else: `method_not_allowed` (fail closed on methods this enforcer does not know).
 */

import { EnforcerError, ReasonCode } from "../errors.js";
import { DEFAULT_METHOD_SCOPES, type EnforcerPolicy, type ToolRule } from "../policy.js";
import { readWordList } from "../token/claim-profiles.js";
import type { ValidatedToken } from "../token/types.js";
import type { JsonRpcInfo } from "./jsonrpc.js";

/** Built-in rules for methods the policy schema's defaults do not list. */
const EXTRA_DEFAULTS: Record<string, { anyOf: string[] }> = {
  "completion/complete": { anyOf: ["mcp:prompts", "mcp:resources"] },
  "logging/setLevel": { anyOf: [] },
  // Tasks (MCP 2025-11-25) carry deferred tool results.
  "tasks/get": { anyOf: ["mcp:tools", "mcp:tools:execute"] },
  "tasks/list": { anyOf: ["mcp:tools", "mcp:tools:execute"] },
  "tasks/result": { anyOf: ["mcp:tools", "mcp:tools:execute"] },
  "tasks/cancel": { anyOf: ["mcp:tools", "mcp:tools:execute"] },
  "tasks/update": { anyOf: ["mcp:tools", "mcp:tools:execute"] },
  // MCP 2026-07-28: servers MUST implement discovery, so a valid token is enough (a policy entry overrides).
  "server/discover": { anyOf: [] },
  // A valid token opens the stream; each opt-in then needs its list method's scope (mcp/subscriptions.ts).
  "subscriptions/listen": { anyOf: [] },
};

/**
 * The rule for a method: `{ anyOf }` (empty = a valid token suffices), or undefined when refused.
 *
 * @example
 * methodRule(policy, "tools/list") // { anyOf: ["mcp:tools", "mcp:tools:read"] }
 */
export function methodRule(policy: EnforcerPolicy, method: string): { anyOf: readonly string[] } | undefined {
  // Object.hasOwn: a method named "constructor" or "__proto__" must not find Object.prototype.
  if (Object.hasOwn(policy.methods, method)) {
    const rule = policy.methods[method];
    return rule && rule.enabled !== false ? rule : undefined;
  }
  if (Object.hasOwn(DEFAULT_METHOD_SCOPES, method)) return DEFAULT_METHOD_SCOPES[method];
  if (Object.hasOwn(EXTRA_DEFAULTS, method)) return EXTRA_DEFAULTS[method];
  if (method === "initialize" || method === "ping" || method.startsWith("notifications/")) return { anyOf: [] };
  return undefined;
}

const toolIndexes = new WeakMap<EnforcerPolicy, Map<string, ToolRule>>();

/** The tool rule for an exact name (no case folding or Unicode normalization), per policy object. */
function toolRule(policy: EnforcerPolicy, name: string): ToolRule | undefined {
  let index = toolIndexes.get(policy);
  if (!index) {
    index = new Map(policy.tools.map((t) => [t.name, t]));
    toolIndexes.set(policy, index);
  }
  const rule = index.get(name);
  if (rule) return rule.enabled ? rule : undefined;
  return policy.unlistedTools === "allow" ? { name, enabled: true, scopes: [] } : undefined;
}

/** Why a tool is not callable with this token, or undefined when it is (scopes of `tools/call` aside). */
function toolRefusal(policy: EnforcerPolicy, token: ValidatedToken, name: string): EnforcerError | undefined {
  const rule = toolRule(policy, name);
  if (!rule) return new EnforcerError(ReasonCode.ToolNotAllowed, `tool ${JSON.stringify(name)} is not allowed`);
  // The claim narrows, never widens: a tool must be in the allowlist and in the claim.
  const narrowed = readWordList(token.claims.mcp_allowed_tools);
  if (narrowed && !narrowed.includes(name)) {
    return new EnforcerError(ReasonCode.ToolNotAllowed, `tool ${JSON.stringify(name)} is not in mcp_allowed_tools`);
  }
  return undefined;
}

/**
 * Authorizes one JSON-RPC message for a validated token; throws {@link EnforcerError} when refused.
 * `insufficient_scope` lists every scope the operation needs (MCP step-up): one scope of the method
 * (the one the token already holds, else the policy's first, so list the preferred scope first)
 * followed by all of the tool's own scopes.
 *
 * @example
 * authorizeMessage(policy, token, parseJsonRpc(body)); // throws tool_not_allowed, insufficient_scope, …
 */
export function authorizeMessage(policy: EnforcerPolicy, token: ValidatedToken, rpc: JsonRpcInfo): void {
  if (rpc.kind === "response" || rpc.method === undefined) return;
  const rule = methodRule(policy, rpc.method);
  if (!rule)
    throw new EnforcerError(ReasonCode.MethodNotAllowed, `method ${JSON.stringify(rpc.method)} is not allowed`);
  const held = rule.anyOf.find((s) => token.scopes.includes(s));
  const methodOk = rule.anyOf.length === 0 || held !== undefined;
  let toolScopes: readonly string[] = [];
  if (rpc.method === "tools/call" && rpc.toolName !== undefined) {
    const refusal = toolRefusal(policy, token, rpc.toolName);
    if (refusal) throw refusal;
    toolScopes = toolRule(policy, rpc.toolName)?.scopes ?? [];
  }
  if (methodOk && toolScopes.every((s) => token.scopes.includes(s))) return;
  const methodScope = held ?? rule.anyOf[0];
  const required = [...new Set([...(methodScope ? [methodScope] : []), ...toolScopes])];
  // MCP 2025-11-25 step-up: clients replace their scope with the challenge's, so it keeps the grant the token
  // already has here (its scopes this resource advertises) and adds the new ones; foreign scopes stay out.
  const known = token.scopes.filter((s) => policy.scopesSupported.includes(s));
  throw new EnforcerError(ReasonCode.InsufficientScope, `requires scope ${required.join(" ")}`, {
    requiredScopes: [...new Set([...known, ...required])],
  });
}

/**
 * The tools of `toolNames` this token may see: in the allowlist (or unlisted tools allowed),
 * enabled, within `mcp_allowed_tools` when present, and, when the policy's `toolsNeedingScope` is
 * `hide`, with all the tool's own scopes (`show`, the default, lists them for step-up). The
 * `tools/call` method scope is not required here, so a `mcp:tools:read` token still sees the tools
 * it is allowed to know about when listing.
 *
 * @example
 * allowedToolNames(policy, auth.token, ["read_file", "delete_file"]) // ["read_file"]
 */
export function allowedToolNames(
  policy: EnforcerPolicy,
  token: ValidatedToken,
  toolNames: readonly string[],
): string[] {
  return toolNames.filter((name) => {
    if (toolRefusal(policy, token, name)) return false;
    // `show`: an enabled tool the token lacks scopes for is listed, so a host can call it and step up on the 403.
    if (policy.toolsNeedingScope !== "hide") return true;
    const scopes = toolRule(policy, name)?.scopes ?? [];
    return scopes.every((s) => token.scopes.includes(s));
  });
}

/**
 * For each of `toolNames` the token may see but lacks some of the tool's own scopes for, those missing scopes
 * (`toolsNeedingScope: "show"`; with `hide` such tools are not listed, so there is nothing to say).
 *
 * @example
 * missingToolScopes(policy, baselineToken, ["read_file", "delete_file"]) // { delete_file: ["mcp:tools:admin"] }
 */
export function missingToolScopes(
  policy: EnforcerPolicy,
  token: ValidatedToken,
  toolNames: readonly string[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (policy.toolsNeedingScope === "hide") return out;
  for (const name of toolNames) {
    if (toolRefusal(policy, token, name)) continue;
    const missing = (toolRule(policy, name)?.scopes ?? []).filter((s) => !token.scopes.includes(s));
    if (missing.length > 0) out[name] = missing;
  }
  return out;
}
