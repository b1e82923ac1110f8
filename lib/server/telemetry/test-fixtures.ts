import "server-only";
import { randomUUID } from "node:crypto";
import type { Actor } from "../auth/session";
import { db } from "../db";
import { createCredential } from "../enforcers/credentials";

/** Test data: a resource (with a minimal IdP profile) and a real enforcer credential for it. */
export const testActor: Actor = {
  id: "test-actor",
  email: "telemetry-tests@example.test",
  name: "tests",
  role: "owner",
};

export async function createTestResource(): Promise<{ resourceId: string; credential: string }> {
  const tag = randomUUID().slice(0, 8);
  const idp = await db().idpProfile.create({
    data: {
      name: `idp-${tag}`,
      kind: "oidc",
      settings: "{}",
      issuers: '["https://idp.test/"]',
      discoveryUrl: "https://idp.test/.well-known/openid-configuration",
      jwksUri: "https://idp.test/jwks",
    },
  });
  const resource = await db().mcpResource.create({
    data: { name: `res-${tag}`, uri: `https://mcp-${tag}.example.com/mcp`, idpProfileId: idp.id, draft: "{}" },
  });
  const issued = await createCredential(
    testActor,
    { resourceId: resource.id, name: `cred-${tag}` },
    { requestId: randomUUID(), ip: null },
  );
  return { resourceId: resource.id, credential: issued.secret };
}
