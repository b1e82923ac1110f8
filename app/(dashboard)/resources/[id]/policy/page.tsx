import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { getResource } from "@/lib/server/resources/get-resource";
import { resourceTitle } from "../_components/page-title";
import { PolicyEditor } from "./_components/policy-editor";
import { RATE_LIMIT_FIELDS } from "./_components/rate-limit-fields";

export const generateMetadata = resourceTitle("Policy");
const th = "py-2 pr-3 text-left text-xs font-medium uppercase text-muted";

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("resources.read");
  const resource = await getResource((await params).id);
  if (!resource) notFound();
  const d = resource.draft;
  if (can(actor.role, "resources.write")) return <PolicyEditor resourceId={resource.id} draft={d} />;
  // Viewers: the same information, read-only.
  return (
    <div className="space-y-6">
      <Card title="Scopes">
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className={th}>Scope</th>
              <th className={th}>Description</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {d.scopes.map((s) => (
              <tr key={s.name} data-testid={`scope-${s.name}`}>
                <td className="py-2 pr-3 font-mono text-xs">{s.name}</td>
                <td className="py-2">{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Methods → required scopes">
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className={th}>MCP method</th>
              <th className={th}>Any of</th>
              <th className={th}>Enabled</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {Object.entries(d.methods).map(([m, r]) => (
              <tr key={m}>
                <td className="py-2 pr-3 font-mono text-xs">{m}</td>
                <td className="py-2 pr-3 font-mono text-xs">{r.anyOf.join(" ") || "any valid token"}</td>
                <td className="py-2">{r.enabled === false ? "no" : "yes"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Sign-in and step-up">
        <dl className="grid gap-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-muted">Baseline scopes (every 401)</dt>
            <dd className="font-mono">{d.baselineScopes.join(" ") || "derived at publish"}</dd>
          </div>
          <div>
            <dt className="text-muted">Tools that need more scope</dt>
            <dd>{d.toolsNeedingScope === "show" ? "shown in tools/list" : "hidden from tools/list"}</dd>
          </div>
        </dl>
      </Card>
      <Card title="Rate limits per client">
        <dl className="grid gap-2 text-sm sm:grid-cols-3">
          {RATE_LIMIT_FIELDS.map(([k, label]) => (
            <div key={k}>
              <dt className="text-muted">{label}</dt>
              <dd className="font-mono">{d.rateLimits[k]}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}
