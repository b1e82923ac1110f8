import { CreateCredentialBody } from "@/lib/schemas/enforcers";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { createCredential, listCredentials } from "@/lib/server/enforcers/credentials";

/** Enforcer credentials of a resource (never their secrets). */
export const GET = withAdmin<{ id: string }>("resources.read", async (_request, { params }) =>
  json({ credentials: await listCredentials(params.id) }),
);

/** Create a credential: `{ "name": "…" }` → 201 `{ credential, secret }`. The secret is shown only in this answer. */
export const POST = withAdmin<{ id: string }>("credentials.manage", async (request, { actor, req, params }) => {
  const body = await readJson(request, CreateCredentialBody, 16 * 1024);
  return json(await createCredential(actor, { resourceId: params.id, ...body }, req), { status: 201 });
});
