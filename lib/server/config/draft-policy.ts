import "server-only";
import type { EnforcerPolicy } from "@/lib/enforcer/policy";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { buildPolicy } from "./build-policy";

/** The IdP profile columns a publish reads (buildPolicy's `idp`). */
export const publishIdpSelect = {
  name: true,
  kind: true,
  issuers: true,
  jwksUri: true,
  discoveryUrl: true,
  algorithms: true,
  requireTokenType: true,
  settings: true,
} as const;

/**
 * A resource's draft frozen exactly as a publish freezes it (validated by the enforcer's own schema).
 * Publish calls it inside its transaction; the IdP kit and the token debugger call it with db().
 */
export async function loadDraftPolicy(client: Db | Tx, resourceId: string): Promise<EnforcerPolicy> {
  const row = await client.mcpResource.findUnique({
    where: { id: resourceId },
    select: {
      id: true,
      name: true,
      uri: true,
      draft: true,
      idpProfile: { select: publishIdpSelect },
    },
  });
  if (!row) throw new AppError("not_found", "No such resource.");
  const { idpProfile, draft, ...resource } = row;
  return buildPolicy({ resource, idp: idpProfile, draft });
}
