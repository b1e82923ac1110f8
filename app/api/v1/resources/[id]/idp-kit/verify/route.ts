import { VerifyKitInput } from "@/lib/schemas/debug";
import { json, readJson, withAdmin } from "@/lib/server/api";
import { verifyKit } from "@/lib/server/idp-kit/verify";

/** Verify the kit against the live IdP (discovery, JWKS) and, optionally, a pasted sample token (never stored). */
export const POST = withAdmin<{ id: string }>("resources.read", async (request, { params }) => {
  const input = await readJson(request, VerifyKitInput, 80 * 1024);
  return json(await verifyKit(params.id, input.sampleToken));
});
