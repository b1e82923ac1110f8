import { notFound } from "next/navigation";
import { Badge, Card } from "@/components/ui/card";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { getResource } from "@/lib/server/resources/get-resource";
import { resourceTitle } from "../_components/page-title";
import { ToolsEditor } from "./_components/tools-editor";

export const generateMetadata = resourceTitle("Tools");
const th = "py-2 pr-3 text-left text-xs font-medium uppercase text-muted";

export default async function ToolsPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("resources.read");
  const resource = await getResource((await params).id);
  if (!resource) notFound();
  const d = resource.draft;
  if (can(actor.role, "resources.write")) return <ToolsEditor resourceId={resource.id} draft={d} />;
  return (
    <Card title="Tool allowlist">
      {d.tools.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No tools listed.</p>
      ) : (
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className={th}>Tool</th>
              <th className={th}>Enabled</th>
              <th className={th}>Required scopes</th>
              <th className={th}>Description</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {d.tools.map((t) => (
              <tr key={t.name} data-testid={`tool-${t.name}`}>
                <td className="py-2 pr-3 font-mono text-xs">{t.name}</td>
                <td className="py-2 pr-3">
                  <Badge tone={t.enabled ? "green" : "slate"}>{t.enabled ? "enabled" : "disabled"}</Badge>
                </td>
                <td className="py-2 pr-3 font-mono text-xs">{t.scopes.join(" ") || "—"}</td>
                <td className="py-2">{t.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="mt-3 text-sm">
        Tools not in the list are <strong>{d.unlistedTools === "deny" ? "denied" : "allowed"}</strong>.
      </p>
    </Card>
  );
}
