import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { linkButton } from "@/components/ui/form-controls";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { listIdpProfiles } from "@/lib/server/idp-profiles/list-idp-profiles";
import { listResources } from "@/lib/server/resources/list-resources";
import { FirstSteps } from "./_components/first-steps";

export const metadata: Metadata = { title: "Resources" };

export default async function ResourcesPage() {
  const actor = await requirePageActor("resources.read");
  const [resources, profiles] = await Promise.all([listResources(), listIdpProfiles()]);
  const canWrite = can(actor.role, "resources.write");
  return (
    <>
      <PageHeader
        title="Resources"
        description="The MCP servers Portcullis protects: who may call them, with which scopes, and which tools."
        actions={
          canWrite && profiles.length > 0 ? (
            <Link href="/resources/new" className={linkButton}>
              Register a resource
            </Link>
          ) : null
        }
      />
      {resources.length === 0 ? (
        <Card title="No resource yet">
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
            Protect your first MCP server in five steps:
          </p>
          <FirstSteps hasProfiles={profiles.length > 0} />
        </Card>
      ) : (
        <Card title={`${resources.length} resource${resources.length === 1 ? "" : "s"}`}>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="py-2 pr-4 font-medium">Name</th>
                <th className="py-2 pr-4 font-medium">Resource URI</th>
                <th className="py-2 pr-4 font-medium">IdP profile</th>
                <th className="py-2 pr-4 font-medium">Tools</th>
                <th className="py-2 font-medium">Config</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {resources.map((r) => (
                <tr key={r.id}>
                  <td className="max-w-xs py-2 pr-4 font-medium wrap-anywhere">
                    <Link href={`/resources/${r.id}`} className="text-link hover:underline">
                      {r.name}
                    </Link>
                  </td>
                  <td className="break-all py-2 pr-4 font-mono text-xs">{r.uri}</td>
                  <td className="py-2 pr-4">{r.idpProfileName}</td>
                  <td className="py-2 pr-4">{r.toolCount}</td>
                  <td className="py-2">
                    {r.archivedAt ? (
                      <Badge tone="red">archived</Badge>
                    ) : r.latestVersion === null ? (
                      <Badge tone="amber">never published</Badge>
                    ) : (
                      <Badge tone={r.hasUnpublishedChanges ? "amber" : "green"}>
                        v{r.latestVersion}
                        {r.hasUnpublishedChanges ? " + draft changes" : ""}
                      </Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
