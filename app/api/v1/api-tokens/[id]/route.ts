import { json, withAdmin } from "@/lib/server/api";
import { revokeApiToken } from "@/lib/server/api-tokens/tokens";

/** Revoke a token (kept, marked revoked, so audit rows still name it). Idempotent. */
export const DELETE = withAdmin<{ id: string }>("tokens.manage", async (_request, { actor, req, params }) =>
  json({ apiToken: await revokeApiToken(actor, { tokenId: params.id }, req) }),
);
