import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { createTestResource, testActor, testCtx } from "../enforcers/test-fixtures";
import { publishConfig } from "./publish";
import { getActiveSigningKey, publicJwks, RETIRED_KEY_GRACE_MS, rotateSigningKey } from "./signing-key";
import { getLatestSigned } from "./versions";

describe("config signing key", () => {
  it("is created once, stored encrypted, and published without private parts", async () => {
    const a = await getActiveSigningKey();
    const b = await getActiveSigningKey();
    expect(b.kid).toBe(a.kid);
    const row = await db().signingKey.findUniqueOrThrow({ where: { kid: a.kid } });
    expect(row.privateJwkEnc.startsWith("v1.")).toBe(true);
    expect(row.privateJwkEnc).not.toContain('"d"');
    const jwks = await publicJwks();
    const published = jwks.keys.find((k) => k.kid === a.kid);
    expect(published).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(published).not.toHaveProperty("d");
  });

  it("rotates: new bundles use the new key, old bundles still verify against the JWKS, the rotation is audited", async () => {
    const { resourceId } = await createTestResource();
    await publishConfig(testActor, { resourceId, note: "before rotation" }, testCtx);
    const before = await getLatestSigned(resourceId);
    if (!before) throw new Error("missing");
    const oldKid = decodeProtectedHeader(before.jws).kid;
    const rotated = await rotateSigningKey(testActor, testCtx);
    expect(rotated.kid).not.toBe(oldKid);
    expect((await getActiveSigningKey()).kid).toBe(rotated.kid);
    await publishConfig(testActor, { resourceId, note: "after rotation" }, testCtx);
    const after = await getLatestSigned(resourceId);
    if (!after) throw new Error("missing");
    expect(decodeProtectedHeader(after.jws).kid).toBe(rotated.kid);
    const jwks = createLocalJWKSet(await publicJwks());
    await expect(compactVerify(before.jws, jwks)).resolves.toBeDefined();
    await expect(compactVerify(after.jws, jwks)).resolves.toBeDefined();
    const audit = await db().auditEvent.findFirst({ where: { action: "signing_key.rotated", targetId: rotated.kid } });
    expect(audit?.after).toContain(rotated.kid);
    expect(audit?.after ?? "").not.toMatch(/"d"|privateJwk/);
  });

  it("drops a retired key from the JWKS after the grace period unless it signed a latest version", async () => {
    const rotated = await rotateSigningKey(testActor, testCtx);
    await rotateSigningKey(testActor, testCtx);
    // Age the first rotated key past the grace period; it signed no resource's latest version.
    await db().signingKey.update({
      where: { kid: rotated.kid },
      data: { retiredAt: new Date(Date.now() - RETIRED_KEY_GRACE_MS - 1000) },
    });
    const kids = (await publicJwks()).keys.map((k) => k.kid);
    expect(kids).not.toContain(rotated.kid);
  });
});
