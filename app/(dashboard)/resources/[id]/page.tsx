import Link from "next/link";
import { notFound } from "next/navigation";
import { TelemetryOverviewPanel } from "@/app/(dashboard)/_components/telemetry-overview-panel";
import { Badge, Card } from "@/components/ui/card";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { listIdpProfiles } from "@/lib/server/idp-profiles/list-idp-profiles";
import { getDraftStatus } from "@/lib/server/resources/draft-status";
import { getResource } from "@/lib/server/resources/get-resource";
import { getResourceProgress } from "@/lib/server/resources/progress";
import { ResourceForm } from "../_components/resource-form";
import { DangerZone } from "./_components/danger-zone";
import { EmbedSnippet } from "./_components/embed-snippet";
import { resourceTitle } from "./_components/page-title";

export const generateMetadata = resourceTitle();

export default async function ResourceOverviewPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("resources.read");
  const { id } = await params;
  const resource = await getResource(id);
  if (!resource) notFound();
  const [status, progress] = await Promise.all([getDraftStatus(id), getResourceProgress(id)]);
  const canWrite = can(actor.role, "resources.write");
  const d = resource.draft;
  const enabledTools = d.tools.filter((t) => t.enabled).length;
  const steps = [
    {
      done: d.tools.length > 0,
      text: (
        <>
          Add tools to the allowlist on the{" "}
          <Link className="underline" href={`/resources/${id}/tools`}>
            Tools
          </Link>{" "}
          tab (unlisted tools are {d.unlistedTools === "deny" ? "denied" : "allowed"}).
        </>
      ),
    },
    {
      done: status.latestVersion !== null && !status.hasUnpublishedChanges,
      text: (
        <>
          Publish the draft: it becomes a signed, numbered config version (
          <Link className="underline" href={`/resources/${id}/history`}>
            History
          </Link>
          ).
        </>
      ),
    },
    {
      done: progress.activeCredentials > 0,
      text: (
        <>
          Create an enforcer credential on the{" "}
          <Link className="underline" href={`/resources/${id}/enforcers`}>
            Enforcers
          </Link>{" "}
          tab.
        </>
      ),
    },
    {
      done: progress.instances > 0,
      text: (
        <>
          Embed the enforcer in front of your MCP server (below); it appears on the Enforcers tab once it sends a
          heartbeat.
        </>
      ),
    },
  ];
  const summary: [string, string][] = [
    ["Resource URI", resource.uri],
    ["IdP profile", `${resource.idpProfile.name} (${resource.idpProfile.kind})`],
    ["Issuer", resource.idpProfile.issuers.join("\n")],
    ["Audiences", d.audiences.join("\n")],
    ["Algorithms", d.algorithms.join(", ")],
    ["Clock skew", `${d.clockToleranceSec} s`],
    ["Max token lifetime", d.maxTokenLifetimeSec ? `${d.maxTokenLifetimeSec} s` : "no limit"],
    ["Scopes", d.scopes.map((s) => s.name).join(" ")],
    ["Tools", `${d.tools.length} listed, ${enabledTools} enabled; unlisted: ${d.unlistedTools}`],
    ["Documentation", d.documentationUrl ?? "—"],
    ["Browser origins", d.allowedOrigins.join("\n") || "none (non-browser clients only)"],
  ];
  const allDone = steps.every((s) => s.done);
  return (
    <div className="space-y-6">
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Summary (draft)">
          <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            {summary.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="whitespace-pre-line break-all font-mono text-xs">{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title={allDone ? "All set" : "What to do next"}>
          <ol className="space-y-2 text-sm">
            {steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, ordered list
              <li key={i} className="flex gap-2">
                <span aria-hidden className={s.done ? "text-emerald-600" : "text-muted"}>
                  {s.done ? "✓" : `${i + 1}.`}
                </span>
                <span className={s.done ? "text-muted line-through decoration-slate-300" : ""}>{s.text}</span>
                {s.done ? <span className="sr-only">(done)</span> : null}
              </li>
            ))}
          </ol>
          <h3 className="mb-2 mt-4 text-sm font-medium">Embed the enforcer</h3>
          <EmbedSnippet
            controlPlaneUrl={progress.controlPlaneUrl}
            resourceId={id}
            name={resource.name}
            uri={resource.uri}
            downstreams={d.downstreams}
          />
          <p className="mt-2 text-xs text-muted">
            {status.hasUnpublishedChanges ? <Badge tone="amber">Draft has unpublished changes</Badge> : null} Enforcers
            apply the latest published version, never the draft.
          </p>
        </Card>
      </div>
      {canWrite ? (
        <Card title="Settings">
          <ResourceForm
            resourceId={id}
            profiles={(await listIdpProfiles()).map((p) => ({ id: p.id, name: p.name, kind: p.kind }))}
            initial={{
              name: resource.name,
              uri: resource.uri,
              idpProfileId: resource.idpProfileId,
              audiences: d.audiences.join("\n"),
              algorithms: d.algorithms,
              clockToleranceSec: String(d.clockToleranceSec),
              maxTokenLifetimeSec: String(d.maxTokenLifetimeSec),
              documentationUrl: d.documentationUrl ?? "",
              allowedOrigins: d.allowedOrigins.join("\n"),
            }}
          />
        </Card>
      ) : null}
      {canWrite ? <DangerZone resourceId={id} name={resource.name} archived={resource.archivedAt !== null} /> : null}
      <section aria-labelledby="resource-telemetry" className="space-y-3">
        <h2 id="resource-telemetry" className="text-base font-semibold">
          Telemetry
        </h2>
        <TelemetryOverviewPanel resourceId={id} />
      </section>
    </div>
  );
}
