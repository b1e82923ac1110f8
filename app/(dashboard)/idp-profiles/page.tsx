import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { linkButton } from "@/components/ui/form-controls";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { listIdpProfiles } from "@/lib/server/idp-profiles/list-idp-profiles";
import { KIND_LABELS } from "./_components/form-values";

export const metadata: Metadata = { title: "IdP profiles" };

export default async function IdpProfilesPage() {
  const actor = await requirePageActor("idp.read");
  const profiles = await listIdpProfiles();
  const canWrite = can(actor.role, "idp.write");
  return (
    <>
      <PageHeader
        title="IdP profiles"
        description="The identity providers whose access tokens your MCP servers accept: issuer, keys and where each IdP puts scopes and the client id."
        actions={
          canWrite ? (
            <Link href="/idp-profiles/new" className={linkButton}>
              New IdP profile
            </Link>
          ) : null
        }
      />
      {profiles.length === 0 ? (
        <Card>
          <h2 className="font-medium">No IdP profile yet</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Start here: describe the identity provider that issues tokens for your MCP server (Entra ID, Okta, Auth0 or
            any OIDC provider), then run Test connection. Resources point at a profile.
          </p>
        </Card>
      ) : (
        <Card title={`${profiles.length} profile${profiles.length === 1 ? "" : "s"}`}>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="py-2 pr-4 font-medium">Name</th>
                <th className="py-2 pr-4 font-medium">IdP</th>
                <th className="py-2 pr-4 font-medium">Issuer</th>
                <th className="py-2 pr-4 font-medium">Last test</th>
                <th className="py-2 font-medium">Resources</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {profiles.map((p) => (
                <tr key={p.id}>
                  <td className="max-w-xs py-2 pr-4 font-medium wrap-anywhere">
                    <Link href={`/idp-profiles/${p.id}`} className="text-link hover:underline">
                      {p.name}
                    </Link>
                  </td>
                  <td className="py-2 pr-4">{KIND_LABELS[p.kind]}</td>
                  <td className="max-w-md break-all py-2 pr-4 font-mono text-xs">{p.issuers.join(", ")}</td>
                  <td className="py-2 pr-4">
                    {p.lastTestOk === null ? (
                      <Badge>not tested</Badge>
                    ) : (
                      <Badge tone={p.lastTestOk ? "green" : "red"}>{p.lastTestOk ? "OK" : "failed"}</Badge>
                    )}
                  </td>
                  <td className="py-2">{p.resourceCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
