import { json, withAdmin } from "@/lib/server/api";
import { listSigningKeys } from "@/lib/server/config/signing-key";

/** The config signing keys (metadata only; private keys never leave the database, and only encrypted). */
export const GET = withAdmin("resources.read", async () => json({ keys: await listSigningKeys() }));
