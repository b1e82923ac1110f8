import "server-only";
import { randomUUID } from "node:crypto";
import type { Actor } from "../auth/session";
import { db } from "../db";
import type { RequestContext } from "../request-context";

/**
 * Test data for the config and enforcer tests: an IdP profile and a resource written with Prisma
 * directly (the resources feature has its own tests), uniquely named per call.
 */
export const testActor: Actor = { id: "test-admin", email: "publisher@example.test", name: "Publisher", role: "admin" };
export const testCtx: RequestContext = { requestId: "test-request", ip: "127.0.0.1" };

/** A stored draft (raw JSON, before ResourceDraft defaults): invalid values are allowed on purpose. */
export function draftWith(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    audiences: ["api://portcullis-test"],
    tools: [
      { name: "search", enabled: true, scopes: [] },
      { name: "delete_file", enabled: true, scopes: ["mcp:tools:admin"] },
    ],
    ...overrides,
  };
}

export async function createTestResource(
  opts: { draft?: Record<string, unknown>; issuer?: string; jwksUri?: string } = {},
): Promise<{ resourceId: string; idpProfileId: string; name: string }> {
  const tag = randomUUID().slice(0, 8);
  const issuer = opts.issuer ?? `https://idp-${tag}.example.test/`;
  const profile = await db().idpProfile.create({
    data: {
      name: `idp-${tag}`,
      kind: "oidc",
      settings: JSON.stringify({ kind: "oidc", issuer }),
      issuers: JSON.stringify([issuer]),
      discoveryUrl: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      jwksUri: opts.jwksUri ?? `${issuer.replace(/\/$/, "")}/jwks`,
    },
  });
  const resource = await db().mcpResource.create({
    data: {
      name: `res-${tag}`,
      uri: `https://mcp-${tag}.example.test/mcp`,
      idpProfileId: profile.id,
      draft: JSON.stringify(opts.draft ?? draftWith()),
    },
  });
  return { resourceId: resource.id, idpProfileId: profile.id, name: resource.name };
}

export async function setDraft(resourceId: string, draft: Record<string, unknown>): Promise<void> {
  await db().mcpResource.update({ where: { id: resourceId }, data: { draft: JSON.stringify(draft) } });
}
