/**
 * The revision-dependent checks of the core, in one place (issue 22). The core calls:
 * 1. {@link checkProtocol} before authorizing: the revision gate (`unsupported_protocol_version`) and, for
 *    2026-07-28 requests, the header/body cross-check (`header_mismatch`), so a malformed request never turns into
 *    a step-up challenge;
 * 2. {@link authorizeProtocol} after the method/tool decision: `subscriptions/listen` opt-ins and task handles;
 * 3. {@link observeResult} with the results of allowed requests: task handles handed out, `x-mcp-header`
 *    declarations of listed tools.
 * 2025-06-18 and 2025-11-25 requests pass 1 without header checks (today's behaviour); task handles are bound in
 * both eras.
 */
import type { EnforcerPolicy } from "../policy.js";
import type { ValidatedToken } from "../token/types.js";
import { type ClientInfo, type ClientInfoBounds, createClientInfoBounds } from "./client-info.js";
import { checkRequestHeaders } from "./headers.js";
import type { JsonRpcInfo } from "./jsonrpc.js";
import { type RevisionInfo, resolveRevision } from "./revision.js";
import { authorizeListen } from "./subscriptions.js";
import { createdTaskId, createTaskOwners, type TaskOwners } from "./tasks.js";
import { createToolHeaderStore, type ToolHeaderStore } from "./tool-headers.js";

/** What one enforcer remembers across requests. @example const state = createProtocolState(); */
export interface ProtocolState {
  toolHeaders: ToolHeaderStore;
  tasks: TaskOwners;
  clients: ClientInfoBounds;
}

/** Creates the per-enforcer protocol state. @example const state = createProtocolState(); */
export function createProtocolState(): ProtocolState {
  return { toolHeaders: createToolHeaderStore(), tasks: createTaskOwners(), clients: createClientInfoBounds() };
}

/**
 * Revision gate and 2026-07-28 header/body validation; throws `unsupported_protocol_version` or `header_mismatch`.
 * `rpc` is undefined for body-less requests (GET, DELETE).
 *
 * @example
 * const revision = checkProtocol(state, policy, (n) => headers.get(n), rpc);
 */
export function checkProtocol(
  state: ProtocolState,
  policy: EnforcerPolicy,
  header: (name: string) => string | null,
  rpc: JsonRpcInfo | undefined,
): RevisionInfo {
  const revision = resolveRevision(policy, header, rpc);
  if (rpc && revision.modern) {
    const declarations = rpc.toolName === undefined ? undefined : state.toolHeaders.get(rpc.toolName);
    checkRequestHeaders(header, rpc, revision, declarations);
  }
  return revision;
}

/**
 * The checks that depend on more than the method and tool: listen opt-ins and task ownership.
 *
 * @example
 * authorizeProtocol(state, policy, token, rpc); // throws insufficient_scope, task_not_owned, …
 */
export function authorizeProtocol(
  state: ProtocolState,
  policy: EnforcerPolicy,
  token: ValidatedToken,
  rpc: JsonRpcInfo,
): void {
  authorizeListen(policy, token, rpc);
  state.tasks.check(token, rpc);
}

/**
 * Learns from an allowed request's result: the task handle a call created (bound to the caller), the header
 * declarations of listed tools.
 *
 * @example
 * observeResult(state, token, "tools/call", message.result);
 */
export function observeResult(
  state: ProtocolState,
  token: ValidatedToken,
  method: string | undefined,
  result: unknown,
): void {
  if (method === "tools/list") {
    const tools = (result as { tools?: unknown } | null)?.tools;
    if (Array.isArray(tools)) state.toolHeaders.learn(tools);
    return;
  }
  const taskId = createdTaskId(result);
  if (taskId !== undefined) state.tasks.record(taskId, token);
}

/** The bounded client info of a request, for telemetry. @example clientInfoOf(state, policy, rpc)?.name */
export function clientInfoOf(
  state: ProtocolState,
  policy: EnforcerPolicy,
  rpc: JsonRpcInfo,
): Readonly<ClientInfo> | undefined {
  return state.clients.read(policy.resource.uri, rpc);
}
