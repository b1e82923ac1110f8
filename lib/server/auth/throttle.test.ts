import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { hashPassword } from "./password";
import { authenticateWithPassword } from "./password-sign-in";
import { BLOCK_MS, loginThrottleState, MAX_FAILURES, recordLoginAttempt } from "./throttle";

async function makeAdmin(password: string) {
  const email = `t-${randomUUID()}@example.test`;
  await db().admin.create({ data: { email, role: "viewer", passwordHash: await hashPassword(password) } });
  return email;
}

describe("login throttling", () => {
  it("slows, then blocks an account after 5 failures in 5 minutes, and records every attempt", async () => {
    const email = await makeAdmin("correct-horse-battery");
    const ctx = { requestId: "r", ip: `10.0.${Math.floor(Math.random() * 250)}.1` };
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await authenticateWithPassword(email, "wrong-password", ctx)).toEqual({
        ok: false,
        error: "InvalidCredentials",
      });
    }
    // Even the right password is refused while blocked.
    expect(await authenticateWithPassword(email, "correct-horse-battery", ctx)).toEqual({ ok: false, error: "Locked" });
    const attempts = await db().loginAttempt.findMany({ where: { email } });
    expect(attempts).toHaveLength(MAX_FAILURES + 1);
    expect(attempts.filter((a) => a.reason === "locked")).toHaveLength(1);
    const state = await loginThrottleState(email, null);
    expect(state.blockedUntil).not.toBeNull();
    // 15 minutes after the last failure the block is over.
    const later = new Date((state.blockedUntil?.getTime() ?? 0) + 1000);
    expect((await loginThrottleState(email, null, later)).blockedUntil).toBeNull();
  }, 60_000);

  it("grows the delay with recent failures and forgets failures before a success", async () => {
    const email = `d-${randomUUID()}@example.test`;
    expect((await loginThrottleState(email, null)).delayMs).toBe(0);
    await recordLoginAttempt(email, null, false, "bad_password");
    await recordLoginAttempt(email, null, false, "bad_password");
    expect((await loginThrottleState(email, null)).delayMs).toBe(500);
    await recordLoginAttempt(email, null, true, "ok");
    expect((await loginThrottleState(email, null)).delayMs).toBe(0);
  });

  it("does not block when failures are spread beyond the window", async () => {
    const email = `s-${randomUUID()}@example.test`;
    const base = Date.now() - BLOCK_MS;
    for (let i = 0; i < MAX_FAILURES; i++) {
      await db().loginAttempt.create({
        data: { email, ip: "", success: false, reason: "bad_password", createdAt: new Date(base + i * 2 * 60_000) },
      });
    }
    expect((await loginThrottleState(email, null)).blockedUntil).toBeNull();
  });

  it("answers unknown accounts like wrong passwords", async () => {
    expect(
      await authenticateWithPassword(`ghost-${randomUUID()}@example.test`, "whatever", { requestId: "r", ip: null }),
    ).toEqual({ ok: false, error: "InvalidCredentials" });
  });
});

describe("login throttling under a burst (issue 10 #3)", () => {
  const ipOf = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

  it("30 parallel attempts: at most 5 passwords are checked, a correct one in the burst is refused", async () => {
    const email = await makeAdmin("correct-horse-battery");
    const ctx = { requestId: "r", ip: ipOf() };
    const passwords = [...Array.from({ length: 29 }, () => "wrong-password"), "correct-horse-battery"];
    const results = await Promise.all(passwords.map((p) => authenticateWithPassword(email, p, ctx)));
    const attempts = await db().loginAttempt.findMany({ where: { email } });
    // Every attempt recorded; no more than MAX_FAILURES reached the password check.
    expect(attempts).toHaveLength(30);
    const checked = attempts.filter((a) => a.reason === "bad_password" || a.reason === "ok");
    expect(checked.length).toBeLessThanOrEqual(MAX_FAILURES);
    expect(results.filter((r) => r.ok === false && r.error === "Locked").length).toBeGreaterThanOrEqual(25);
    // The correct password got in only if it was among the first five to be counted.
    const ok = attempts.find((a) => a.reason === "ok");
    if (ok) {
      expect(attempts.filter((a) => a.id < ok.id && a.reason !== "locked").length).toBeLessThan(MAX_FAILURES);
    }
    // Locked now, from that address, even with the right password.
    expect(await authenticateWithPassword(email, "correct-horse-battery", ctx)).toEqual({ ok: false, error: "Locked" });
  }, 120_000);

  it("a lockout cannot deny the owner: the right password from an address with no recent failure signs in", async () => {
    const email = await makeAdmin("correct-horse-battery");
    const attacker = { requestId: "r", ip: ipOf() };
    await Promise.all(Array.from({ length: 10 }, () => authenticateWithPassword(email, "wrong-password", attacker)));
    expect((await loginThrottleState(email, attacker.ip)).blockedUntil).not.toBeNull();
    // A fresh address that guesses wrong while the account is locked is locked out after that one guess.
    const other = { requestId: "r", ip: ipOf() };
    expect(await authenticateWithPassword(email, "wrong-again", other)).toEqual({
      ok: false,
      error: "InvalidCredentials",
    });
    expect(await authenticateWithPassword(email, "correct-horse-battery", other)).toEqual({
      ok: false,
      error: "Locked",
    });
    // No address known: no exemption (fail closed).
    expect(await authenticateWithPassword(email, "correct-horse-battery", { requestId: "r", ip: null })).toEqual({
      ok: false,
      error: "Locked",
    });
    // The owner, from an address that has not failed, signs in.
    const owner = { requestId: "r", ip: ipOf() };
    expect(await authenticateWithPassword(email, "correct-horse-battery", owner)).toMatchObject({ ok: true });
    // The attacker's address stays locked out of the account, whatever password it sends.
    expect(await authenticateWithPassword(email, "correct-horse-battery", attacker)).toEqual({
      ok: false,
      error: "Locked",
    });
  }, 120_000);
});
