import "server-only";
import { changeRoleOrStatus } from "../admin-guard";
import { writeAudit } from "../audit";
import { db } from "../db";
import { env } from "../env";
import { log } from "../log";
import { ROLES, type Role } from "./permissions";
import { endSessionsIn } from "./session-version";

const RANK: Record<Role, number> = { owner: 3, admin: 2, viewer: 1 };

/** The highest Portcullis role that the IdP's group/role claim maps to, or the default. */
export function roleFromClaims(claims: Record<string, unknown>): Role | null {
  const e = env();
  const raw = claims[e.OIDC_ROLE_CLAIM];
  const values = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(/[\s,]+/) : [];
  const mapped = values.map((v) => e.OIDC_ROLE_MAP[v]).filter((r): r is Role => r !== undefined);
  if (mapped.length === 0) return e.OIDC_DEFAULT_ROLE === "none" ? null : e.OIDC_DEFAULT_ROLE;
  return mapped.sort((a, b) => RANK[b] - RANK[a])[0] ?? null;
}

export type SsoResult =
  | { ok: true; adminId: string }
  | { ok: false; error: "NoRole" | "Disabled" | "EmailInUse" | "NoEmail" };

/**
 * Just-in-time provisioning for SSO admins. The IdP is the source of truth for their role:
 * it is re-derived at every sign-in, and a change is audited, except that a mapping never removes
 * the last active owner (admin-guard.ts): the owner is kept, and the refusal logged and audited.
 *
 * An IdP identity is linked to an existing local account with the same address only when
 * OIDC_LINK_BY_EMAIL=true and the IdP vouches for the address (`email_verified`); the link is
 * audited, switches the account's local password off (an owner can turn it back on) and ends the
 * account's existing sessions. Otherwise the sign-in is refused (EmailInUse).
 */
export async function provisionSsoAdmin(
  input: {
    issuer: string;
    subject: string;
    claims: Record<string, unknown>;
  },
  linkByEmail = env().OIDC_LINK_BY_EMAIL,
): Promise<SsoResult> {
  const role = roleFromClaims(input.claims);
  if (!role || !ROLES.includes(role)) return { ok: false, error: "NoRole" };
  const ssoSubject = `${input.issuer}|${input.subject}`;
  const email = typeof input.claims.email === "string" ? input.claims.email.toLowerCase() : null;
  const name = typeof input.claims.name === "string" ? input.claims.name : "";
  const system = { id: null, email: "sso" };
  return db().$transaction(async (tx) => {
    let admin = await tx.admin.findUnique({ where: { ssoSubject } });
    if (!admin && email) {
      const byEmail = await tx.admin.findUnique({ where: { email } });
      if (byEmail) {
        const linkable = linkByEmail && !byEmail.ssoSubject && input.claims.email_verified === true;
        if (!linkable) {
          log.warn({ adminId: byEmail.id }, "SSO sign-in refused: the email belongs to a local admin (not linked)");
          return { ok: false, error: "EmailInUse" } as const;
        }
        admin = await tx.admin.update({
          where: { id: byEmail.id },
          data: { ssoSubject, passwordEnabled: false },
        });
        await endSessionsIn(tx, admin.id);
        await writeAudit(tx, {
          actor: system,
          action: "admin.sso_linked",
          targetType: "admin",
          targetId: admin.id,
          before: { email, localSignIn: byEmail.passwordEnabled ? "on" : "off" },
          after: { email, ssoSubject, localSignIn: "off", by: "OIDC_LINK_BY_EMAIL" },
        });
      }
    }
    if (!admin) {
      if (!email) return { ok: false, error: "NoEmail" } as const;
      admin = await tx.admin.create({ data: { email, name, role, ssoSubject, lastLoginAt: new Date() } });
      await writeAudit(tx, {
        actor: system,
        action: "admin.sso_provisioned",
        targetType: "admin",
        targetId: admin.id,
        after: { email, role },
      });
      return { ok: true, adminId: admin.id } as const;
    }
    if (admin.status !== "active") return { ok: false, error: "Disabled" } as const;
    const synced = await changeRoleOrStatus(tx, admin.id, { role }, "keep");
    if (synced.keptLastOwner) {
      log.warn(
        { adminId: admin.id, mappedRole: role },
        "SSO role mapping would remove the last active owner: kept owner",
      );
      await writeAudit(tx, {
        actor: system,
        action: "admin.role_sync_refused",
        targetType: "admin",
        targetId: admin.id,
        before: { role: admin.role },
        after: { role: admin.role, mappedRole: role, reason: "last active owner" },
      });
    } else if (synced.changed) {
      await writeAudit(tx, {
        actor: system,
        action: "admin.role_synced",
        targetType: "admin",
        targetId: admin.id,
        before: { role: admin.role },
        after: { role },
      });
    }
    await tx.admin.update({
      where: { id: admin.id },
      data: { name: name || admin.name, lastLoginAt: new Date() },
    });
    return { ok: true, adminId: admin.id } as const;
  });
}
