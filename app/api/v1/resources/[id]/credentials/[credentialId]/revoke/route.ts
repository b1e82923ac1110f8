import { json, withAdmin } from "@/lib/server/api";
import { revokeCredential } from "@/lib/server/enforcers/credentials";

/** Revoke at once: the next request with it gets 401. */
export const POST = withAdmin<{ id: string; credentialId: string }>(
  "credentials.manage",
  async (_request, { actor, req, params }) =>
    json({
      credential: await revokeCredential(actor, { resourceId: params.id, credentialId: params.credentialId }, req),
    }),
);
