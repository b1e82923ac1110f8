import { describe, expect, it } from "vitest";
import { db } from "../db";
import { authenticateEnforcer } from "../enforcer-auth";
import { AppError } from "../errors";
import { hashSecret } from "./credential-format";
import { createCredential, listCredentials, revokeCredential, rotateCredential } from "./credentials";
import { enforcerAuthRejected } from "./metrics";
import { createTestResource, testActor, testCtx } from "./test-fixtures";

const withBearer = (token: string) =>
  new Request("http://127.0.0.1/api/v1/enforcer/config", { headers: { authorization: `Bearer ${token}` } });

async function rejection(token: string): Promise<AppError> {
  const err = await authenticateEnforcer(withBearer(token)).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error("expected a rejection");
  return err;
}

async function rejectedCount(reason: string): Promise<number> {
  const metric = await enforcerAuthRejected.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe("enforcer credentials", () => {
  it("returns the secret once, stores only prefix + SHA-256, and authenticates with it", async () => {
    const { resourceId } = await createTestResource();
    const issued = await createCredential(testActor, { resourceId, name: "web-fleet" }, testCtx);
    expect(issued.secret).toMatch(/^pcl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const row = await db().enforcerCredential.findUniqueOrThrow({ where: { id: issued.credential.id } });
    const secretPart = issued.secret.split("_").slice(2).join("_");
    expect(row.secretHash).toBe(hashSecret(secretPart));
    expect(JSON.stringify(row)).not.toContain(secretPart);
    const listed = await listCredentials(resourceId);
    expect(JSON.stringify(listed)).not.toContain(secretPart);
    expect(listed[0]).toMatchObject({ name: "web-fleet", status: "active", lastUsedAt: null });
    const audit = await db().auditEvent.findFirst({ where: { targetId: issued.credential.id } });
    expect(audit?.action).toBe("enforcer_credential.created");
    expect(audit?.after ?? "").not.toContain(secretPart);

    expect(await authenticateEnforcer(withBearer(issued.secret))).toEqual({
      credentialId: issued.credential.id,
      resourceId,
    });
    expect((await listCredentials(resourceId))[0]?.lastUsedAt).not.toBeNull();
  });

  it("refuses missing, malformed, unknown and wrong-secret credentials with 401 and counts them", async () => {
    const { resourceId } = await createTestResource();
    const issued = await createCredential(testActor, { resourceId, name: "a" }, testCtx);
    const unknownBefore = await rejectedCount("unknown");
    const err = await authenticateEnforcer(new Request("http://127.0.0.1/")).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unauthorized" });
    expect((await rejection("not-a-credential")).status).toBe(401);
    const wrongSecret = `${issued.secret.slice(0, -4)}AAAA`;
    expect((await rejection(wrongSecret)).code).toBe("unauthorized");
    expect((await rejection(`pcl_000000000000_${"A".repeat(43)}`)).code).toBe("unauthorized");
    expect(await rejectedCount("unknown")).toBe(unknownBefore + 2);
  });

  it("revocation takes effect at once", async () => {
    const { resourceId } = await createTestResource();
    const issued = await createCredential(testActor, { resourceId, name: "to-revoke" }, testCtx);
    await authenticateEnforcer(withBearer(issued.secret));
    const before = await rejectedCount("revoked");
    const revoked = await revokeCredential(testActor, { resourceId, credentialId: issued.credential.id }, testCtx);
    expect(revoked.status).toBe("revoked");
    expect((await rejection(issued.secret)).code).toBe("unauthorized");
    expect(await rejectedCount("revoked")).toBe(before + 1);
  });

  it("rotation keeps the old credential working during the overlap, then refuses it", async () => {
    const { resourceId } = await createTestResource();
    const old = await createCredential(testActor, { resourceId, name: "rotating" }, testCtx);
    const rotated = await rotateCredential(
      testActor,
      { resourceId, credentialId: old.credential.id, overlapHours: 24 },
      testCtx,
    );
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.credential.name).toBe("rotating");
    expect(rotated.previous.status).toBe("expiring");
    const expiresIn = Date.parse(rotated.previous.expiresAt ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
    // Both work during the overlap.
    await expect(authenticateEnforcer(withBearer(old.secret))).resolves.toMatchObject({ resourceId });
    await expect(authenticateEnforcer(withBearer(rotated.secret))).resolves.toMatchObject({ resourceId });
    // Past the overlap (moved into the past in the database), the old one is refused, the new one is not.
    await db().enforcerCredential.update({
      where: { id: old.credential.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect((await rejection(old.secret)).code).toBe("unauthorized");
    await expect(authenticateEnforcer(withBearer(rotated.secret))).resolves.toMatchObject({ resourceId });
    const audit = await db().auditEvent.findFirst({
      where: { action: "enforcer_credential.rotated", targetId: old.credential.id },
    });
    // The secret is everything after `pcl_<prefix>_` (base64url: it may itself hold "_").
    const secretPart = rotated.secret.split("_").slice(2).join("_");
    expect(secretPart.length).toBeGreaterThan(20);
    expect(audit?.after ?? "").not.toContain(secretPart);
  });

  it("scopes credential ids to their resource and rejects duplicate active names", async () => {
    const a = await createTestResource();
    const b = await createTestResource();
    const issued = await createCredential(testActor, { resourceId: a.resourceId, name: "dup" }, testCtx);
    await expect(
      revokeCredential(testActor, { resourceId: b.resourceId, credentialId: issued.credential.id }, testCtx),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(createCredential(testActor, { resourceId: a.resourceId, name: "dup" }, testCtx)).rejects.toMatchObject(
      {
        code: "conflict",
      },
    );
    await expect(createCredential(testActor, { resourceId: "nope", name: "x" }, testCtx)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
