import { CreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { createApiToken, listApiTokens } from "@/lib/server/api-tokens/tokens";

/**
 * The signed-in admin's personal API tokens. tokens.manage is never granted to a token, so a token
 * cannot mint or list tokens (its expiry and revocation would mean nothing otherwise).
 */
export const GET = withAdmin("tokens.manage", async (_request, { actor }) =>
  json({ apiTokens: await listApiTokens(actor) }),
);

/** The answer holds `token` (pcl_api_…): shown this once, stored only as a hash. */
export const POST = withAdmin("tokens.manage", async (request, { actor, req }) => {
  const input = await readJson(request, CreateApiTokenInput, 16 * 1024);
  return json(await createApiToken(actor, input, req), { status: 201 });
});
