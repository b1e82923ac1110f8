import Link from "next/link";
import { notFound } from "next/navigation";
import { PublishControl } from "@/components/config/publish-control";
import { Badge } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { getDraftStatus } from "@/lib/server/resources/draft-status";
import { getResource } from "@/lib/server/resources/get-resource";
import { DraftBadge } from "./_components/draft-badge";
import { ResourceTabs } from "./_components/resource-tabs";
import { publishAction } from "./history/actions";

/** Resource header (name, URI, IdP, draft status) and the tabs; each tab checks the actor again. */
export default async function ResourceLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ id: string }>;
}) {
  const actor = await requirePageActor("resources.read");
  const { id } = await params;
  const resource = await getResource(id);
  if (!resource) notFound();
  const status = await getDraftStatus(id);
  return (
    <>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 max-w-full">
          <p className="text-xs text-muted">
            <Link href="/resources" className="hover:underline">
              Resources
            </Link>{" "}
            /
          </p>
          <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere">{resource.name}</h1>
          <p className="mt-1 break-all font-mono text-sm text-slate-600 dark:text-slate-400">{resource.uri}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
            <span className="text-muted">IdP:</span>
            <Link href={`/idp-profiles/${resource.idpProfileId}`} className="text-link hover:underline">
              {resource.idpProfile.name}
            </Link>
            {status.latestVersion !== null ? (
              <Badge tone="blue">published v{status.latestVersion}</Badge>
            ) : (
              <Badge>never published</Badge>
            )}
            <DraftBadge resourceId={id} status={status} />
          </div>
        </div>
        {can(actor.role, "config.publish") ? <PublishControl resourceId={id} publish={publishAction} /> : null}
      </div>
      {resource.archivedAt ? (
        <p
          role="note"
          className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100"
        >
          <strong>Archived</strong> {utcTime(resource.archivedAt)} by {resource.archivedByEmail}: its enforcers refuse
          every request (reason <code>resource_archived</code>). Restore or delete it in the Danger zone on the Overview
          tab.
        </p>
      ) : null}
      <ResourceTabs resourceId={id} />
      {children}
    </>
  );
}
