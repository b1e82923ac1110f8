import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CreateAdminInput } from "@/lib/schemas/admins";
import { changeAdminRole, createAdmin, setAdminStatus } from "./admins";
import type { Actor } from "./auth/session";
import { db } from "./db";
import { AppError } from "./errors";

const ctx = { requestId: "req-1", ip: "127.0.0.1" };
const owner: Actor = { id: "actor", email: "owner@example.test", name: "Owner", role: "owner" };
const input = () =>
  CreateAdminInput.parse({
    email: `A-${randomUUID()}@Example.test`,
    name: "A",
    role: "admin",
    password: "long-enough-password",
  });

describe("admin data functions", () => {
  it("creates an admin with a hashed password and an audit row in the same transaction", async () => {
    const created = await createAdmin(owner, input(), ctx);
    expect(created.email).toBe(created.email.toLowerCase());
    const row = await db().admin.findUnique({ where: { id: created.id } });
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    const audit = await db().auditEvent.findFirst({ where: { targetId: created.id, action: "admin.created" } });
    expect(audit?.requestId).toBe("req-1");
    expect(audit?.after).not.toContain("scrypt");
  });

  it("refuses a duplicate with a conflict naming the field, and writes nothing", async () => {
    const data = input();
    await createAdmin(owner, data, ctx);
    const auditBefore = await db().auditEvent.count();
    await expect(createAdmin(owner, data, ctx)).rejects.toMatchObject({
      code: "conflict",
      fieldErrors: { email: [expect.any(String)] },
    });
    expect(await db().auditEvent.count()).toBe(auditBefore);
  });

  it("never demotes or disables the last active owner", async () => {
    await db().admin.updateMany({ where: { role: "owner" }, data: { role: "admin" } });
    const only = await createAdmin(owner, { ...input(), role: "owner" }, ctx);
    await expect(changeAdminRole(owner, { adminId: only.id, role: "viewer" }, ctx)).rejects.toBeInstanceOf(AppError);
    await expect(setAdminStatus(owner, { adminId: only.id, status: "disabled" }, ctx)).rejects.toMatchObject({
      code: "conflict",
    });
    const second = await createAdmin(owner, { ...input(), role: "owner" }, ctx);
    const demoted = await changeAdminRole(owner, { adminId: only.id, role: "viewer" }, ctx);
    expect(demoted.role).toBe("viewer");
    expect(await db().auditEvent.count({ where: { targetId: only.id, action: "admin.role_changed" } })).toBe(1);
    await setAdminStatus(owner, { adminId: second.id, status: "active" }, ctx);
  });

  it.each([
    [{ email: "", name: "x", role: "admin", password: "long-enough-password" }, "email"],
    [{ email: "no-at-sign", name: "x", role: "admin", password: "long-enough-password" }, "email"],
    [{ email: `${"a".repeat(320)}@x.io`, name: "x", role: "admin", password: "long-enough-password" }, "email"],
    [{ email: "a@b.io", name: "", role: "admin", password: "long-enough-password" }, "name"],
    [{ email: "a@b.io", name: "x".repeat(101), role: "admin", password: "long-enough-password" }, "name"],
    [{ email: "a@b.io", name: "x", role: "root", password: "long-enough-password" }, "role"],
    [{ email: "a@b.io", name: "x", role: "admin", password: "short" }, "password"],
  ])("rejects bad input %j on field %s", (raw, field) => {
    const result = CreateAdminInput.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });
});
