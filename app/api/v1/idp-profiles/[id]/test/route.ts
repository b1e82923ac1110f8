import { json, withAdmin } from "@/lib/server/api";
import { testIdpConnection } from "@/lib/server/idp-profiles/test-connection";

/** Run Test connection now; the result is stored on the profile and returned. */
export const POST = withAdmin<{ id: string }>("idp.write", async (_request, { actor, req, params }) => {
  const profile = await testIdpConnection(actor, { id: params.id }, req);
  return json({ ok: profile.lastTestOk, result: profile.lastTestResult, idpProfile: profile });
});
