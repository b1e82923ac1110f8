import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { AppError } from "@/lib/server/errors";
import { getIdpProfile } from "@/lib/server/idp-profiles/get-idp-profile";
import { deleteIdpProfile, updateIdpProfile } from "@/lib/server/idp-profiles/save-idp-profile";

type Params = { id: string };

export const GET = withAdmin<Params>("idp.read", async (_request, { params }) => {
  const idpProfile = await getIdpProfile(params.id);
  if (!idpProfile) throw new AppError("not_found", "No such IdP profile.");
  return json({ idpProfile });
});

/** Replace the profile's definition (same body as create). */
export const PUT = withAdmin<Params>("idp.write", async (request, { actor, req, params }) => {
  const input = await readJson(request, CreateIdpProfileInput);
  return json({ idpProfile: await updateIdpProfile(actor, { id: params.id, ...input }, req) });
});

export const DELETE = withAdmin<Params>("idp.write", async (_request, { actor, req, params }) => {
  await deleteIdpProfile(actor, { id: params.id }, req);
  return new Response(null, { status: 204 });
});
