/**
 * Issue 13 #2: the IdP profile's claim settings reach the enforcer. A publish puts them into the signed bundle's
 * `idp.claims`, and an enforcer running that bundle reads scopes where the profile says (Auth0 RBAC: permissions).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnforcer } from "@/lib/enforcer/enforcer";
import { type JwksServer, startJwksServer } from "@/lib/enforcer/test-utils/jwks-server";
import { createTestKey, createToken } from "@/lib/enforcer/test-utils/keys";
import { db } from "../db";
import { createTestResource, testActor, testCtx } from "../enforcers/test-fixtures";
import { publishConfig } from "./publish";
import { getConfigVersion } from "./versions";

const key = createTestKey("RS256", "rbac-k1");
let jwks: JwksServer;
beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
});
afterAll(() => jwks.close());

async function publishedPolicy(resourceId: string) {
  const v = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
  const stored = await getConfigVersion(resourceId, v.version);
  return stored.bundle.policy;
}

describe("claim settings in the published bundle", () => {
  it("publishes the profile's claim settings and the enforcer decides by them", async () => {
    const issuer = "https://rbac.example.test/";
    const { resourceId, idpProfileId } = await createTestResource({ issuer, jwksUri: jwks.url });
    // A profile saved before claim settings existed: nothing published, the enforcer keeps the kind's preset.
    expect((await publishedPolicy(resourceId)).idp.claims).toBeUndefined();

    await db().idpProfile.update({
      where: { id: idpProfileId },
      data: {
        settings: JSON.stringify({
          kind: "oidc",
          issuer,
          claimProfile: {
            scopeClaims: ["scope", "permissions"],
            scopeFormat: "string",
            rolesClaim: "",
            clientIdClaims: ["azp"],
            tokenVersions: [],
            requireAtJwt: false,
          },
        }),
      },
    });
    const policy = await publishedPolicy(resourceId);
    expect(policy.idp.claims).toEqual({
      scopeClaims: ["scope", "permissions"],
      rolesClaim: "",
      clientIdClaims: ["azp"],
      tokenVersions: [],
    });

    const nowSec = Math.floor(Date.now() / 1000);
    const token = createToken(key, {
      iss: issuer,
      aud: policy.idp.audiences[0] as string,
      nowSec,
      scope: "openid",
      permissions: ["mcp:tools"],
      azp: "agent",
    });
    const request = () =>
      new Request(policy.resource.uri, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
    const ok = async () => Response.json({ jsonrpc: "2.0", id: 1, result: { tools: [] } });
    expect((await createEnforcer({ policy }).handle(request(), ok)).status).toBe(200);
    // The same token against the preset (no claim settings): the grant in `permissions` is not read.
    const { claims: _claims, ...presetIdp } = policy.idp;
    expect((await createEnforcer({ policy: { ...policy, idp: presetIdp } }).handle(request(), ok)).status).toBe(403);
  });
});
