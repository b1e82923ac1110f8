import "server-only";
import { writeAudit } from "./audit";
import { generatePassword, hashPassword } from "./auth/password";
import { db } from "./db";
import { env } from "./env";
import { log } from "./log";

export const DEFAULT_OWNER_EMAIL = "owner@portcullis.local";

/**
 * First start: create the bootstrap owner. From ADMIN_EMAIL/ADMIN_PASSWORD when set;
 * otherwise with a generated one-time password, printed once to the console (and never
 * logged: it goes to stdout directly, not through the structured logger).
 */
export async function ensureBootstrapOwner(): Promise<void> {
  const e = env();
  const client = db();
  if ((await client.admin.count()) > 0) return;
  const email = e.ADMIN_EMAIL?.toLowerCase() ?? DEFAULT_OWNER_EMAIL;
  const password = e.ADMIN_PASSWORD ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const created = await client.$transaction(async (tx) => {
    if ((await tx.admin.count()) > 0) return false; // another replica won the race
    // A generated password was printed to the console: replaced at first sign-in (issue 13 #13). One from
    // ADMIN_PASSWORD was chosen by whoever runs the deployment and stays.
    const mustChangePassword = !e.ADMIN_PASSWORD;
    const admin = await tx.admin.create({
      data: { email, name: "Owner", role: "owner", passwordHash, mustChangePassword },
    });
    await writeAudit(tx, {
      actor: { id: null, email: "system" },
      action: "admin.bootstrap",
      targetType: "admin",
      targetId: admin.id,
      after: { email, role: "owner" },
    });
    return true;
  });
  if (!created) return;
  log.info({ email }, "bootstrap owner created");
  const how = e.ADMIN_PASSWORD
    ? "the password from ADMIN_PASSWORD"
    : `this one-time password: ${password}\n  (you will choose your own at first sign-in)`;
  process.stdout.write(
    `\n  Portcullis: first start. Sign in at ${e.NEXTAUTH_URL ?? "http://localhost:3000"}/signin\n  as ${email} with ${how}\n  (it is shown only now; add admins under Settings → Admins)\n\n`,
  );
}
