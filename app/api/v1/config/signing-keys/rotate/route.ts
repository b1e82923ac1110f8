import { json, withAdmin } from "@/lib/server/api";
import { rotateSigningKey } from "@/lib/server/config/signing-key";

/** Rotate the config signing key: new active key; the old one is retired but stays in the JWKS for 30 days. */
export const POST = withAdmin("config.publish", async (_request, { actor, req }) =>
  json({ key: await rotateSigningKey(actor, req) }, { status: 201 }),
);
