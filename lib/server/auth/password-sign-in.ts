import "server-only";
import { db } from "../db";
import type { RequestContext } from "../request-context";
import { verifyPassword } from "./password";
import { loginThrottleState, recordLoginAttempt } from "./throttle";

export type PasswordSignIn =
  | { ok: true; admin: { id: string; email: string; name: string } }
  | { ok: false; error: "InvalidCredentials" | "Locked" | "Disabled" };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Password sign-in with throttling. The same answer for unknown accounts and wrong passwords. */
export async function authenticateWithPassword(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<PasswordSignIn> {
  const normalized = email.trim().toLowerCase();
  const state = await loginThrottleState(normalized, ctx.ip);
  if (state.blockedUntil) {
    await recordLoginAttempt(normalized, ctx.ip, false, "locked");
    return { ok: false, error: "Locked" };
  }
  if (state.delayMs) await sleep(state.delayMs);
  const admin = await db().admin.findUnique({ where: { email: normalized } });
  const valid = await verifyPassword(password, admin?.passwordHash);
  if (!admin || !valid) {
    await recordLoginAttempt(normalized, ctx.ip, false, admin ? "bad_password" : "unknown_account");
    return { ok: false, error: "InvalidCredentials" };
  }
  if (admin.status !== "active") {
    await recordLoginAttempt(normalized, ctx.ip, false, "disabled");
    return { ok: false, error: "Disabled" };
  }
  await recordLoginAttempt(normalized, ctx.ip, true, "ok");
  await db().admin.update({ where: { id: admin.id }, data: { lastLoginAt: new Date() } });
  return { ok: true, admin: { id: admin.id, email: admin.email, name: admin.name } };
}
