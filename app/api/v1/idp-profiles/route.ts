import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { listIdpProfiles } from "@/lib/server/idp-profiles/list-idp-profiles";
import { createIdpProfile } from "@/lib/server/idp-profiles/save-idp-profile";

/** IdP profiles REST API (automation): the same data functions and checks as the dashboard. */
export const GET = withAdmin("idp.read", async () => json({ idpProfiles: await listIdpProfiles() }));

export const POST = withAdmin("idp.write", async (request, { actor, req }) => {
  const input = await readJson(request, CreateIdpProfileInput);
  return json({ idpProfile: await createIdpProfile(actor, input, req) }, { status: 201 });
});
