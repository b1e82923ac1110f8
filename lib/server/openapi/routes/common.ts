import "server-only";
import { z } from "zod";

/** Path parameters shared by the route families. */
export const IdParams = z.object({ id: z.string().describe("The object's id") });
export const CredentialParams = IdParams.extend({ credentialId: z.string() });
export const VersionParams = IdParams.extend({ version: z.string().describe("A version number (1, 2, …)") });
export const ok = z.object({ ok: z.literal(true) });
