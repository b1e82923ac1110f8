import { DebugTokenInput } from "@/lib/schemas/debug";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { runTokenDebug } from "@/lib/server/debug/run-debug";

/**
 * Token debugger: the enforcer's own checks, step by step, for a pasted token against a resource's
 * draft or published policy and the live JWKS. The token is never stored, logged or returned.
 */
export const POST = withAdmin("resources.read", async (request) => {
  const input = await readJson(request, DebugTokenInput, 80 * 1024);
  return json(await runTokenDebug(input));
});
