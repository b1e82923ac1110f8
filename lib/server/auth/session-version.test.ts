import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { changeAdminRole, endAdminSessions, setAdminStatus } from "../admins";
import { db } from "../db";
import { actorForSession } from "./session";
import { currentSessionVersion, endSessionsOnSignOut } from "./session-version";

const ctx = { requestId: "r", ip: "127.0.0.1" };

async function signedIn(role = "admin") {
  const admin = await db().admin.create({ data: { email: `s-${randomUUID()}@example.test`, role } });
  const sessionVersion = (await currentSessionVersion(admin.id)) ?? -1;
  return { admin, cookie: { adminId: admin.id, sessionVersion } };
}
async function owner() {
  const row = await db().admin.create({ data: { email: `so-${randomUUID()}@example.test`, role: "owner" } });
  return { id: row.id, email: row.email, name: "", role: "owner" as const };
}

describe("sessions end on the server (issue 10 #10)", () => {
  it("a current cookie works; one without a version does not", async () => {
    const { admin, cookie } = await signedIn();
    expect(await actorForSession(cookie)).toMatchObject({ id: admin.id });
    expect(await actorForSession({ adminId: admin.id })).toBeNull();
  });

  it("sign-out ends the session everywhere the cookie was copied; a stale cookie cannot sign anyone out", async () => {
    const { admin, cookie } = await signedIn();
    await endSessionsOnSignOut({ adminId: admin.id, sv: cookie.sessionVersion });
    expect(await actorForSession(cookie)).toBeNull();
    const fresh = { adminId: admin.id, sessionVersion: (await currentSessionVersion(admin.id)) ?? -1 };
    expect(await actorForSession(fresh)).not.toBeNull();
    await endSessionsOnSignOut({ adminId: admin.id, sv: cookie.sessionVersion }); // the old one again
    expect(await actorForSession(fresh)).not.toBeNull();
    expect(await db().auditEvent.count({ where: { targetId: admin.id, action: "admin.signed_out" } })).toBe(1);
  });

  it("disable then enable does not revive old cookies", async () => {
    const { admin, cookie } = await signedIn();
    const by = await owner();
    await setAdminStatus(by, { adminId: admin.id, status: "disabled" }, ctx);
    await setAdminStatus(by, { adminId: admin.id, status: "active" }, ctx);
    expect(await actorForSession(cookie)).toBeNull();
  });

  it("a role change ends the sessions", async () => {
    const { admin, cookie } = await signedIn("viewer");
    await changeAdminRole(await owner(), { adminId: admin.id, role: "admin" }, ctx);
    expect(await actorForSession(cookie)).toBeNull();
  });

  it("sign out everywhere (the admin row) ends every session and is audited", async () => {
    const { admin, cookie } = await signedIn();
    const other = { ...cookie };
    await endAdminSessions(await owner(), { adminId: admin.id }, ctx);
    expect(await actorForSession(cookie)).toBeNull();
    expect(await actorForSession(other)).toBeNull();
    expect(await db().auditEvent.count({ where: { targetId: admin.id, action: "admin.sessions_ended" } })).toBe(1);
    await expect(endAdminSessions(await owner(), { adminId: "nope" }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
