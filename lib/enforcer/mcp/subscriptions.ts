/**
 * `subscriptions/listen` (MCP 2026-07-28) is authorized by what it subscribes to: a list-change opt-in needs the
 * scope of its list method, `resourceSubscriptions` the scope of `resources/read`. The stream would otherwise tell
 * a caller about lists and resources it may not read. A refused opt-in answers like the method it stands for:
 * `method_not_allowed` when the policy disables it, else one 403 `insufficient_scope` naming every scope missing.
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import type { EnforcerPolicy } from "../policy.js";
import type { ValidatedToken } from "../token/types.js";
import { authorizeMessage } from "./authorize.js";
import type { JsonRpcInfo } from "./jsonrpc.js";

/** The method each opt-in of a SubscriptionFilter stands for. */
const OPT_INS: readonly [key: string, method: string][] = [
  ["toolsListChanged", "tools/list"],
  ["promptsListChanged", "prompts/list"],
  ["resourcesListChanged", "resources/list"],
  ["resourceSubscriptions", "resources/read"],
];

/**
 * Throws when the token may not receive one of the notifications a `subscriptions/listen` opts in to.
 *
 * @example
 * authorizeListen(policy, token, parseJsonRpc(body)); // insufficient_scope "mcp:tools" for toolsListChanged
 */
export function authorizeListen(policy: EnforcerPolicy, token: ValidatedToken, rpc: JsonRpcInfo): void {
  if (rpc.kind !== "request" || rpc.method !== "subscriptions/listen") return;
  const params = rpc.message.params as { notifications?: unknown } | undefined;
  const filter = params?.notifications;
  if (filter === null || typeof filter !== "object") return; // the server refuses a listen without a filter
  const required: string[] = [];
  for (const [key, method] of OPT_INS) {
    const value = (filter as Record<string, unknown>)[key];
    const optedIn = Array.isArray(value) ? value.length > 0 : value === true;
    if (!optedIn) continue;
    try {
      // The same decision (and step-up scopes) as a direct call of the list method.
      authorizeMessage(policy, token, { kind: "request", method, id: rpc.id, toolName: undefined, message: {} });
    } catch (err) {
      if (!(err instanceof EnforcerError) || err.code !== ReasonCode.InsufficientScope) throw err;
      required.push(...err.requiredScopes);
    }
  }
  if (required.length === 0) return;
  const scopes = [...new Set(required)];
  throw new EnforcerError(ReasonCode.InsufficientScope, `subscriptions/listen requires scope ${scopes.join(" ")}`, {
    requiredScopes: scopes,
  });
}
