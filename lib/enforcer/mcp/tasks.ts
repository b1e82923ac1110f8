/**
 * Task handles (MCP tasks: 2025-11-25 `tasks/*`, and the 2026-07-28 tasks extension's `tasks/get` and
 * `tasks/update`) bound to the principal whose call created them, like a session is bound to its principal: a
 * handle is a bearer capability the server hands out, and another caller that learns it must not poll, feed or
 * cancel the task. The enforcer records each handle it sees in a result and refuses the task methods for anyone
 * else (403 `task_not_owned`), and for handles it never saw created (fail closed: after a restart, or when another
 * enforcer instance saw the creation, the client starts the task again).
 */
import { EnforcerError, ReasonCode } from "../errors.js";
import type { ValidatedToken } from "../token/types.js";
import type { JsonRpcInfo } from "./jsonrpc.js";

/** Methods whose `params.taskId` names an existing task. */
const TASK_METHODS = new Set(["tasks/get", "tasks/update", "tasks/cancel", "tasks/result"]);
const MAX_TASKS = 10_000;
const MAX_TASK_ID = 256;

/** Issuer, subject and client of a token, as one key. @example principalKey(token) // '["https://idp","alice","agent-1"]' */
export function principalKey(token: ValidatedToken): string {
  return JSON.stringify([String(token.claims.iss ?? ""), token.subject, token.clientId ?? ""]);
}

/**
 * The task id a result hands out: `result.task.taskId` (CreateTaskResult) or a `taskId` beside `resultType: "task"`.
 *
 * @example
 * createdTaskId({ task: { taskId: "t-1", status: "working" } }) // "t-1"
 */
export function createdTaskId(result: unknown): string | undefined {
  if (result === null || typeof result !== "object") return undefined;
  const r = result as { task?: { taskId?: unknown }; resultType?: unknown; taskId?: unknown };
  const id = r.task && typeof r.task === "object" ? r.task.taskId : r.resultType === "task" ? r.taskId : undefined;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_TASK_ID ? id : undefined;
}

/**
 * Task owners of one enforcer (bounded; the oldest handles are forgotten first).
 *
 * @example
 * const tasks = createTaskOwners(); tasks.record("t-1", token); tasks.check(token, rpc);
 */
export interface TaskOwners {
  record(taskId: string, token: ValidatedToken): void;
  /** Throws `task_not_owned` when `rpc` is a task method on a handle this token's principal did not create. */
  check(token: ValidatedToken, rpc: JsonRpcInfo): void;
}

/** Creates a {@link TaskOwners}. @example const tasks = createTaskOwners(); */
export function createTaskOwners(): TaskOwners {
  const owners = new Map<string, string>();
  return {
    record(taskId, token) {
      // First creator wins: a server that re-announces a handle in another caller's result does not transfer it.
      if (owners.has(taskId)) return;
      owners.set(taskId, principalKey(token));
      if (owners.size > MAX_TASKS) {
        const oldest = owners.keys().next();
        if (!oldest.done) owners.delete(oldest.value);
      }
    },
    check(token, rpc) {
      if (rpc.kind === "response" || rpc.method === undefined || !TASK_METHODS.has(rpc.method)) return;
      const taskId = (rpc.message.params as { taskId?: unknown } | undefined)?.taskId;
      if (typeof taskId !== "string") return; // malformed: the server answers -32602
      // One answer for foreign and unknown handles: no oracle for which task ids exist.
      if (owners.get(taskId) !== principalKey(token)) {
        throw new EnforcerError(ReasonCode.TaskNotOwned, "task handle unknown or created by another principal");
      }
    },
  };
}
