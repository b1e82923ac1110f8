import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { measureRule } from "../alerts/measure";
import { db } from "../db";
import { createTestResource, testActor, testCtx } from "../enforcers/test-fixtures";
import { publishConfig } from "./publish";
import {
  getActiveSigningKey,
  listSigningKeys,
  publicJwks,
  RETIRED_KEY_GRACE_MS,
  rotateSigningKey,
  signingKeyExpiresAt,
} from "./signing-key";
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

  it("has a crypto-period: an expired active key is never used again, the system rotates it (audited), and the alert warns 14 days before", async () => {
    const current = await getActiveSigningKey();
    const days = (n: number) => n * 86_400_000;
    // 360 of 365 days old: still the signing key, and the fleet-wide expiry rule sees it (5 days left).
    const createdAt = new Date(Date.now() - days(360));
    await db().signingKey.update({ where: { kid: current.kid }, data: { createdAt } });
    expect((await getActiveSigningKey()).kid).toBe(current.kid);
    const listed = (await listSigningKeys()).find((k) => k.kid === current.kid);
    expect(new Date(listed?.expiresAt ?? 0).getTime()).toBe(signingKeyExpiresAt(createdAt).getTime());
    const rule = { kind: "credential_expiring" as const, reason: "", windowMin: 1, threshold: 14, resourceId: "" };
    const ctx = { now: new Date(), overridden: new Set<string>(), resourceName: (id: string) => id };
    const warned = (await measureRule(db(), rule, ctx)).find((o) => o.key === `signing-key:${current.kid}`);
    expect(warned?.value).toBeCloseTo(5, 0);
    // A per-resource rule leaves the fleet's signing key alone.
    const { resourceId } = await createTestResource();
    expect((await measureRule(db(), { ...rule, resourceId }, ctx)).some((o) => o.key.startsWith("signing-key:"))).toBe(
      false,
    );

    // Past its 365 days: the next publish signs with a new key, and the old one is retired but still published.
    await db().signingKey.update({
      where: { kid: current.kid },
      data: { createdAt: new Date(Date.now() - days(366)) },
    });
    await publishConfig(testActor, { resourceId, note: "after expiry" }, testCtx);
    const signed = await getLatestSigned(resourceId);
    const kid = decodeProtectedHeader(signed?.jws ?? "").kid;
    expect(kid).not.toBe(current.kid);
    const old = await db().signingKey.findUniqueOrThrow({ where: { kid: current.kid } });
    expect(old.status).toBe("retired");
    expect((await publicJwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, current.kid]));
    const audit = await db().auditEvent.findFirst({ where: { action: "signing_key.rotated", targetId: kid } });
    expect(audit?.actorEmail).toBe("system");
    expect(audit?.after).toContain('"reason":"expired"');
    expect((await measureRule(db(), rule, ctx)).some((o) => o.key === `signing-key:${kid}`)).toBe(false);
  });
});
