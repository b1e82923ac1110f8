import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS } from "@/lib/schemas/api-tokens";
import { listApiTokens, tokenPermissionsFor } from "@/lib/server/api-tokens/tokens";
import { can, ROLES, roleRank } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { CreateTokenForm } from "./_components/create-token-form";
import { TokenRowControls } from "./_components/token-row-controls";

export const metadata: Metadata = { title: "API tokens" };

const STATUS_TONE = { active: "green", expired: "amber", revoked: "red" } as const;

export default async function ApiTokensPage() {
  const actor = await requirePageActor("dashboard.read");
  if (!can(actor.role, "tokens.manage")) {
    return (
      <>
        <PageHeader title="API tokens" />
        <p className="text-sm text-muted">Only owners and admins can create API tokens.</p>
      </>
    );
  }
  const tokens = await listApiTokens(actor);
  const roles = ROLES.filter((r) => roleRank(r) <= roleRank(actor.role));
  const permissionsByRole = Object.fromEntries(roles.map((r) => [r, tokenPermissionsFor(r)]));
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens for scripts and CI: send Authorization: Bearer pcl_api_… to /api/v1. A token acts as you, with the role and permissions you choose here, and every change it makes is audited under your name and the token's."
      />
      <div className="space-y-6">
        <Card title={`Your tokens (${tokens.length})`}>
          {tokens.length === 0 ? (
            <p className="text-sm text-muted">No tokens yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase text-muted">
                  <tr>
                    <th className="py-2 pr-4 font-medium">Token</th>
                    <th className="py-2 pr-4 font-medium">Access</th>
                    <th className="py-2 pr-4 font-medium">Expires</th>
                    <th className="py-2 pr-4 font-medium">Last used</th>
                    <th className="py-2 pr-4 font-medium">Status</th>
                    <th className="py-2 font-medium">Revoke</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {tokens.map((t) => (
                    <tr key={t.id} data-testid={`api-token-${t.name}`}>
                      <td className="py-2 pr-4">
                        <div className="font-medium">{t.name}</div>
                        <code className="text-xs text-muted">{t.displayPrefix}</code>
                      </td>
                      <td className="py-2 pr-4">
                        <div>{t.role}</div>
                        <div className="text-xs text-muted">
                          {t.permissions ? t.permissions.join(", ") : "everything the role allows"}
                        </div>
                        <div className="text-xs text-muted">
                          {t.allowedCidrs.length > 0 ? `from ${t.allowedCidrs.join(", ")}` : "from any address"}
                        </div>
                      </td>
                      <td className="py-2 pr-4 text-muted">{utcTime(t.expiresAt, "minute")}</td>
                      <td className="py-2 pr-4 text-muted">
                        {t.lastUsedAt ? (
                          <>
                            <div>{utcTime(t.lastUsedAt, "minute")}</div>
                            <div className="text-xs">from {t.lastUsedIp ?? "an unknown address"}</div>
                          </>
                        ) : (
                          "never"
                        )}
                      </td>
                      <td className="py-2 pr-4">
                        <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge>
                      </td>
                      <td className="py-2">
                        <TokenRowControls key={t.id} tokenId={t.id} name={t.name} active={t.status === "active"} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Create a token">
          <CreateTokenForm
            roles={roles}
            permissionsByRole={permissionsByRole}
            defaultDays={API_TOKEN_DEFAULT_DAYS}
            maxDays={API_TOKEN_MAX_DAYS}
          />
        </Card>
      </div>
    </>
  );
}
