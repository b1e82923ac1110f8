import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { derivedTokenEndpoint } from "@/lib/server/idp-profiles/derive";
import { getResource } from "@/lib/server/resources/get-resource";
import { updateDownstreamsAction } from "../../actions";
import { resourceTitle } from "../_components/page-title";
import { DownstreamsEditor } from "./_components/downstreams-editor";

export const generateMetadata = resourceTitle("Downstream APIs");

const GRANTS = { entra_obo: "Entra on-behalf-of (jwt-bearer)", token_exchange: "RFC 8693 token exchange" } as const;

/** Downstream APIs a tool calls as the user (OBO / token exchange), published in the bundle as `obo`. */
export default async function DownstreamsPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("resources.read");
  const resource = await getResource((await params).id);
  if (!resource) notFound();
  const profile = resource.idpProfile;
  const derived = derivedTokenEndpoint(profile.kind, profile.settings as Record<string, unknown>) ?? null;
  const list = resource.draft.downstreams;
  if (can(actor.role, "resources.write")) {
    return (
      <DownstreamsEditor
        resourceId={resource.id}
        initial={list}
        derivedTokenEndpoint={derived}
        idpKind={profile.kind}
        save={updateDownstreamsAction}
      />
    );
  }
  return (
    <Card title="Downstream APIs">
      {list.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No downstream APIs.</p>
      ) : (
        <ul className="space-y-3 text-sm">
          {list.map((d) => (
            <li key={d.name} data-testid={`downstream-${d.name}`}>
              <span className="font-mono font-medium">{d.name}</span>: {GRANTS[d.grant]}, scope{" "}
              <span className="font-mono">{d.scope}</span>, client <span className="font-mono">{d.clientId}</span> (
              {d.clientAuth}), secret from{" "}
              <span className="font-mono">
                {d.secretFrom.env !== undefined ? `$${d.secretFrom.env}` : d.secretFrom.file}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
