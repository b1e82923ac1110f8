import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

// Before env() is first parsed (some modules read it at import).
vi.hoisted(() => {
  process.env.OIDC_ROLE_MAP = "owners=owner,admins=admin,viewers=viewer";
});

import { changeAdminRole, enablePasswordSignIn } from "../admins";
import { db } from "../db";
import { hashPassword } from "./password";
import { authenticateWithPassword } from "./password-sign-in";
import type { Actor } from "./session";
import { provisionSsoAdmin } from "./sso";

const ISSUER = "https://idp.example.test";
const ctx = () => ({
  requestId: "r",
  ip: `10.23.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
});

async function onlyOwner(subject: string | null) {
  // Make every other owner an admin, so this one is the last active owner.
  await db().admin.updateMany({ where: { role: "owner" }, data: { role: "admin" } });
  return db().admin.create({
    data: {
      email: `o-${randomUUID()}@example.test`,
      role: "owner",
      ssoSubject: subject ? `${ISSUER}|${subject}` : null,
      passwordHash: await hashPassword("owner-password-long"),
    },
  });
}
const asActor = (a: { id: string; email: string }): Actor => ({ id: a.id, email: a.email, name: "", role: "owner" });

describe("SSO and the last active owner (issue 23 #2)", () => {
  it("an SSO mapping to viewer keeps the only active owner, logs and audits why", async () => {
    const subject = randomUUID();
    const owner = await onlyOwner(subject);
    const result = await provisionSsoAdmin({
      issuer: ISSUER,
      subject,
      claims: { sub: subject, email: owner.email, email_verified: true, groups: ["viewers"] },
    });
    expect(result).toEqual({ ok: true, adminId: owner.id });
    const after = await db().admin.findUniqueOrThrow({ where: { id: owner.id } });
    expect(after.role).toBe("owner");
    const audit = await db().auditEvent.findFirst({ where: { targetId: owner.id, action: "admin.role_sync_refused" } });
    expect(audit?.after).toContain("last active owner");
    // The installation still has an owner who can manage admins.
    expect(await db().admin.count({ where: { role: "owner", status: "active" } })).toBe(1);
  });

  it("with another active owner, the mapping applies (and is audited)", async () => {
    const subject = randomUUID();
    const owner = await onlyOwner(subject);
    await db().admin.create({ data: { email: `o2-${randomUUID()}@example.test`, role: "owner" } });
    await provisionSsoAdmin({
      issuer: ISSUER,
      subject,
      claims: { sub: subject, email: owner.email, email_verified: true, groups: ["viewers"] },
    });
    expect((await db().admin.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe("viewer");
    expect(await db().auditEvent.count({ where: { targetId: owner.id, action: "admin.role_synced" } })).toBe(1);
  });

  it("two concurrent demotions of the last two owners: exactly one wins", async () => {
    const a = await onlyOwner(null);
    const b = await db().admin.create({ data: { email: `o3-${randomUUID()}@example.test`, role: "owner" } });
    const results = await Promise.allSettled([
      changeAdminRole(asActor(a), { adminId: a.id, role: "viewer" }, ctx()),
      changeAdminRole(asActor(b), { adminId: b.id, role: "viewer" }, ctx()),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict" } });
    expect(await db().admin.count({ where: { role: "owner", status: "active" } })).toBe(1);
  });
});

describe("linking an IdP identity to a local account (issue 23 #2)", () => {
  async function localAdmin() {
    return db().admin.create({
      data: {
        email: `l-${randomUUID()}@example.test`,
        role: "admin",
        passwordHash: await hashPassword("local-password-long"),
      },
    });
  }

  it("is refused by default, even with a verified email", async () => {
    const local = await localAdmin();
    const subject = randomUUID();
    const result = await provisionSsoAdmin({
      issuer: ISSUER,
      subject,
      claims: { sub: subject, email: local.email, email_verified: true, groups: ["owners"] },
    });
    expect(result).toEqual({ ok: false, error: "EmailInUse" });
    const row = await db().admin.findUniqueOrThrow({ where: { id: local.id } });
    expect(row.ssoSubject).toBeNull();
    expect(row.role).toBe("admin");
  });

  it("with OIDC_LINK_BY_EMAIL: linked, audited, the local password stops working until an owner re-enables it", async () => {
    const local = await localAdmin();
    const subject = randomUUID();
    const claims = { sub: subject, email: local.email, email_verified: true, groups: ["admins"] };
    // An unverified address is never linked.
    expect(
      await provisionSsoAdmin({ issuer: ISSUER, subject, claims: { ...claims, email_verified: false } }, true),
    ).toEqual({ ok: false, error: "EmailInUse" });
    expect(await provisionSsoAdmin({ issuer: ISSUER, subject, claims }, true)).toEqual({ ok: true, adminId: local.id });
    const audit = await db().auditEvent.findFirst({ where: { targetId: local.id, action: "admin.sso_linked" } });
    expect(audit?.after).toContain('"localSignIn":"off"');
    expect(await authenticateWithPassword(local.email, "local-password-long", ctx())).toEqual({
      ok: false,
      error: "UseSso",
    });
    const owner = await db().admin.findFirstOrThrow({ where: { role: "owner", status: "active" } });
    await enablePasswordSignIn(asActor(owner), { adminId: local.id }, ctx());
    expect(await authenticateWithPassword(local.email, "local-password-long", ctx())).toMatchObject({ ok: true });
    expect(await db().auditEvent.count({ where: { targetId: local.id, action: "admin.password_enabled" } })).toBe(1);
  });
});
