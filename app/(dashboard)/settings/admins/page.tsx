import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import { listAdmins } from "@/lib/server/admins";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { AdminRowControls } from "./_components/admin-row-controls";
import { CreateAdminForm } from "./_components/create-admin-form";

export const metadata: Metadata = { title: "Admins" };

export default async function AdminsPage() {
  const actor = await requirePageActor("admins.read");
  const admins = await listAdmins();
  const canManage = can(actor.role, "admins.manage");
  return (
    <>
      <PageHeader
        title="Admins"
        description="Who can sign in to Portcullis, and what they may do. Owners manage admins; admins configure; viewers read."
      />
      <div className="space-y-6">
        <Card title={`${admins.length} admin${admins.length === 1 ? "" : "s"}`}>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="py-2 pr-4 font-medium">Admin</th>
                <th className="py-2 pr-4 font-medium">Role</th>
                <th className="py-2 pr-4 font-medium">Status</th>
                <th className="py-2 pr-4 font-medium">Last sign-in</th>
                {canManage ? <th className="py-2 font-medium">Manage</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {admins.map((a) => (
                <tr key={a.id} data-testid={`admin-${a.email}`}>
                  <td className="py-2 pr-4">
                    <div className="font-medium">{a.name || a.email}</div>
                    <div className="text-xs text-muted">
                      {a.email} {a.sso ? <Badge tone="blue">SSO</Badge> : null}
                    </div>
                  </td>
                  <td className="py-2 pr-4">{a.role}</td>
                  <td className="py-2 pr-4">
                    <Badge tone={a.status === "active" ? "green" : "red"}>{a.status}</Badge>
                    {a.mustChangePassword ? (
                      <span className="ml-1">
                        <Badge tone="amber">password change due</Badge>
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-4 text-muted">{a.lastLoginAt ? utcTime(a.lastLoginAt) : "never"}</td>
                  {canManage ? (
                    <td className="py-2">
                      <AdminRowControls
                        key={a.id}
                        adminId={a.id}
                        email={a.email}
                        name={a.name || a.email}
                        role={a.role}
                        status={a.status}
                        passwordOff={a.sso && !a.passwordEnabled}
                        self={a.id === actor.id}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        {canManage ? (
          <Card title="Add an admin">
            <CreateAdminForm />
          </Card>
        ) : (
          <p className="text-sm text-muted">Only owners can add admins or change roles.</p>
        )}
      </div>
    </>
  );
}
