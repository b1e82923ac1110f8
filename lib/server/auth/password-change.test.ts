import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChangePasswordInput, CreateAdminInput } from "@/lib/schemas/admins";
import { resetAdminPassword } from "../admin-password-reset";
import { createAdmin } from "../admins";
import { db } from "../db";
import { createTestDatabase } from "../test/databases";
import { verifyPassword } from "./password";
import { changeOwnPassword } from "./password-change";
import { type Actor, actorForSession } from "./session";

/** Issue 13 #13: a password someone else set (an owner, or the first start's generator) is replaced at first sign-in. */
const ctx = { requestId: "req-pw", ip: "127.0.0.9" };
const owner: Actor = { id: "owner-pw", email: "owner-pw@example.test", name: "Owner", role: "owner" };
const INITIAL = "set-by-the-owner-1234";

async function newAdmin() {
  const email = `pw-${randomUUID()}@example.test`;
  const created = await createAdmin(
    owner,
    CreateAdminInput.parse({ email, name: "P", role: "admin", password: INITIAL }),
    ctx,
  );
  const session = { adminId: created.id, sessionVersion: 0 };
  const actor = await actorForSession(session);
  if (!actor) throw new Error("no actor");
  return { created, session, actor };
}

describe("a password set by someone else", () => {
  it("is due for a change at first sign-in: the session's actor carries the flag, the Admins list shows it", async () => {
    const { created, actor } = await newAdmin();
    expect(created.mustChangePassword).toBe(true);
    expect(actor.mustChangePassword).toBe(true);
  });

  it("a wrong current password changes nothing and counts as a failed sign-in", async () => {
    const { actor, session } = await newAdmin();
    const input = ChangePasswordInput.parse({
      currentPassword: "not-the-password",
      newPassword: "my-own-password-5678",
      confirmPassword: "my-own-password-5678",
    });
    await expect(changeOwnPassword(actor, input, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { currentPassword: ["The current password is wrong."] },
    });
    expect((await actorForSession(session))?.mustChangePassword).toBe(true);
    const attempt = await db().loginAttempt.findFirst({ where: { email: actor.email }, orderBy: { id: "desc" } });
    expect(attempt).toMatchObject({ success: false, reason: "bad_password" });
  });

  it("refuses the same password again and two new passwords that differ, naming the field", () => {
    const same = ChangePasswordInput.safeParse({
      currentPassword: INITIAL,
      newPassword: INITIAL,
      confirmPassword: INITIAL,
    });
    expect(same.error?.issues.map((i) => i.path.join("."))).toEqual(["newPassword"]);
    const differ = ChangePasswordInput.safeParse({
      currentPassword: INITIAL,
      newPassword: "my-own-password-5678",
      confirmPassword: "my-own-password-5679",
    });
    expect(differ.error?.issues.map((i) => i.path.join("."))).toEqual(["confirmPassword"]);
  });

  it("once changed: the flag clears, every session ends (this one too), audited without secrets", async () => {
    const { actor, session } = await newAdmin();
    const input = ChangePasswordInput.parse({
      currentPassword: INITIAL,
      newPassword: "my-own-password-5678",
      confirmPassword: "my-own-password-5678",
    });
    expect(await changeOwnPassword(actor, input, ctx)).toEqual({ signInAgain: true });
    expect(await actorForSession(session)).toBeNull();
    const row = await db().admin.findUniqueOrThrow({ where: { id: actor.id } });
    expect(row.mustChangePassword).toBe(false);
    expect(await verifyPassword("my-own-password-5678", row.passwordHash)).toBe(true);
    expect(await verifyPassword(INITIAL, row.passwordHash)).toBe(false);
    expect(
      (await actorForSession({ adminId: actor.id, sessionVersion: row.sessionVersion }))?.mustChangePassword,
    ).toBeUndefined();
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { targetId: actor.id, action: "admin.password_changed" },
    });
    expect(JSON.parse(audit.after ?? "{}")).toMatchObject({ wasRequired: true, sessions: "ended" });
    expect(`${audit.before}${audit.after}`).not.toMatch(/my-own-password|set-by-the-owner|scrypt/);
  });

  it("an account whose password was switched off for single sign-on is not sent to the change form", async () => {
    const { actor, session } = await newAdmin();
    await db().admin.update({ where: { id: actor.id }, data: { passwordEnabled: false } });
    expect((await actorForSession(session))?.mustChangePassword).toBeUndefined();
    await db().admin.update({ where: { id: actor.id }, data: { passwordEnabled: true } });
    expect((await actorForSession(session))?.mustChangePassword).toBe(true);
  });

  it("an owner's reset makes the change due again", async () => {
    const { actor } = await newAdmin();
    await changeOwnPassword(
      actor,
      ChangePasswordInput.parse({
        currentPassword: INITIAL,
        newPassword: "my-own-password-5678",
        confirmPassword: "my-own-password-5678",
      }),
      ctx,
    );
    await resetAdminPassword(owner, { adminId: actor.id }, ctx);
    const row = await db().admin.findUniqueOrThrow({ where: { id: actor.id } });
    expect(row.mustChangePassword).toBe(true);
    expect((await actorForSession({ adminId: actor.id, sessionVersion: row.sessionVersion }))?.mustChangePassword).toBe(
      true,
    );
  });

  it.each([
    ["generated at first start: due", {}, true],
    [
      "from ADMIN_PASSWORD: chosen by the operator, not due",
      { ADMIN_EMAIL: "owner@portcullis.local", ADMIN_PASSWORD: "operator-chosen-password" },
      false,
    ],
  ])(
    "the bootstrap owner's password %s",
    async (_name, env, due) => {
      const { url, drop } = await createTestDatabase(`bootstrap-${process.pid}-${due}`);
      try {
        execFileSync("npx", ["prisma", "migrate", "deploy"], {
          env: { ...process.env, DATABASE_URL: url },
          stdio: "ignore",
        });
        const { ADMIN_PASSWORD: _p, ADMIN_EMAIL: _e, ...base } = process.env;
        const out = execFileSync(
          process.execPath,
          ["--import", "./e2e/faults/server-only-hook.mjs", "--import", "tsx", "lib/server/test/run-bootstrap.ts"],
          { env: { ...base, ...env, DATABASE_URL: url, LOG_LEVEL: "silent" }, encoding: "utf8" },
        );
        const owner = JSON.parse(/OWNER (.+)/.exec(out)?.[1] ?? "null");
        expect(owner).toEqual({ email: "owner@portcullis.local", mustChangePassword: due });
        expect(out.includes("you will choose your own at first sign-in")).toBe(due);
      } finally {
        await drop();
      }
    },
    60_000,
  );
});
