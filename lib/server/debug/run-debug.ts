import "server-only";
import type { DebugTokenInput } from "@/lib/schemas/debug";
import { policyAt } from "../idp-kit/load";
import { guardedJsonFetch } from "../idp-kit/outbound";
import { type DebugResult, debugToken } from "./token-debugger";

export interface DebugRun extends DebugResult {
  resource: { id: string; name: string; idpKind: string };
  version: string;
}

/**
 * One debugger run for an admin: the chosen policy version, the live JWKS through the guarded
 * fetcher, the enforcer's checks step by step. Nothing is written: no audit row (the token is not
 * a change), no log line, and the token is not part of the result.
 */
export async function runTokenDebug(input: DebugTokenInput): Promise<DebugRun> {
  const { resource, policy, label } = await policyAt(input.resourceId, input.version);
  const outbound = guardedJsonFetch();
  const result = await debugToken(input.token, {
    policy,
    resourceId: resource.id,
    idpProfileId: resource.idpProfileId,
    fetch: outbound.fetch,
    ...(input.method ? { request: { method: input.method, ...(input.tool ? { tool: input.tool } : {}) } } : {}),
  });
  const key = result.steps.find((s) => s.id === "key");
  if (key && key.status === "fail") key.hints.push(...outbound.failures);
  return {
    ...result,
    resource: { id: resource.id, name: resource.name, idpKind: resource.idpProfile.kind },
    version: label,
  };
}
