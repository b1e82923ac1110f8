import { notFound } from "next/navigation";
import { Badge, Card } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { getLatestVersionNumber } from "@/lib/server/config/versions";
import { type CredentialDto, listCredentials } from "@/lib/server/enforcers/credentials";
import { listInstances } from "@/lib/server/enforcers/instances";
import { env } from "@/lib/server/env";
import { AppError } from "@/lib/server/errors";
import { resourceTitle } from "../_components/page-title";
import { CreateCredentialForm } from "./_components/create-credential-form";
import { CredentialRowControls } from "./_components/credential-row-controls";

export const generateMetadata = resourceTitle("Enforcers");

const when = (iso: string | null) => (iso ? utcTime(iso) : "never");
const STATUS_TONE = { active: "green", expiring: "amber", expired: "red", revoked: "red" } as const;

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** Fleet view: enforcer credentials (create, rotate, revoke) and the instances reporting heartbeats. */
export default async function EnforcersPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("resources.read");
  const { id } = await params;
  let credentials: CredentialDto[];
  try {
    credentials = await listCredentials(id);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  const [instances, latest] = await Promise.all([listInstances(id), getLatestVersionNumber(id)]);
  const canManage = can(actor.role, "credentials.manage");
  const base = (env().NEXTAUTH_URL ?? "https://portcullis.example.com").replace(/\/$/, "");
  const now = Date.now();
  return (
    <div className="space-y-6">
      <Card title="Instances">
        {instances.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No enforcer has reported yet. Instances appear here with their first heartbeat (every 30 s).
          </p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="py-2 pr-4 font-medium">Instance</th>
                <th className="py-2 pr-4 font-medium">Host</th>
                <th className="py-2 pr-4 font-medium">Module</th>
                <th className="py-2 pr-4 font-medium">Applied version</th>
                <th className="py-2 pr-4 font-medium">Last seen</th>
                <th className="py-2 font-medium">Last error</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {instances.map((i) => (
                <tr key={i.instanceId} data-testid={`instance-${i.instanceId}`}>
                  <td className="py-2 pr-4 font-mono text-xs">{i.instanceId}</td>
                  <td className="py-2 pr-4">{i.host}</td>
                  <td className="py-2 pr-4">{i.moduleVersion}</td>
                  <td className="py-2 pr-4">
                    {i.appliedVersion === null ? "none" : `v${i.appliedVersion}`}{" "}
                    {i.outdated ? <Badge tone="amber">outdated (latest v{latest})</Badge> : null}
                  </td>
                  <td className="py-2 pr-4">
                    {ago(i.lastSeenAt, now)} {i.silent ? <Badge tone="red">silent</Badge> : null}
                  </td>
                  <td className="max-w-xs break-words py-2 text-xs text-red-700 dark:text-red-400">
                    {i.lastError ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Credentials">
        {credentials.length === 0 ? (
          <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
            No credential yet. Each enforcer authenticates to the config API with one.
          </p>
        ) : (
          <table className="mb-4 w-full text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="py-2 pr-4 font-medium">Name</th>
                <th className="py-2 pr-4 font-medium">Prefix</th>
                <th className="py-2 pr-4 font-medium">Status</th>
                <th className="py-2 pr-4 font-medium">Created</th>
                <th className="py-2 pr-4 font-medium">Last used</th>
                {canManage ? <th className="py-2 font-medium">Manage</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {credentials.map((c) => (
                <tr key={c.id} data-testid={`credential-${c.prefix}`}>
                  <td className="max-w-xs py-2 pr-4 font-medium wrap-anywhere">{c.name}</td>
                  <td className="py-2 pr-4 font-mono text-xs">pcl_{c.prefix}_…</td>
                  <td className="py-2 pr-4">
                    <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge>
                    {c.status === "expiring" ? (
                      <span className="ml-1 text-xs text-muted">until {when(c.expiresAt)}</span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-4 text-slate-600 dark:text-slate-400">{when(c.createdAt)}</td>
                  <td className="py-2 pr-4 text-slate-600 dark:text-slate-400">{when(c.lastUsedAt)}</td>
                  {canManage ? (
                    <td className="py-2">
                      <CredentialRowControls
                        resourceId={id}
                        credentialId={c.id}
                        name={c.name}
                        active={c.status === "active" || c.status === "expiring"}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canManage ? <CreateCredentialForm resourceId={id} /> : null}
      </Card>
      <Card title="Connection">
        <dl className="grid gap-2 text-sm sm:grid-cols-[12rem_1fr]">
          <dt className="text-muted">Config API</dt>
          <dd className="break-all font-mono text-xs">GET {base}/api/v1/enforcer/config</dd>
          <dt className="text-muted">Heartbeat</dt>
          <dd className="break-all font-mono text-xs">POST {base}/api/v1/enforcer/heartbeat</dd>
          <dt className="text-muted">Signing keys (JWKS to pin)</dt>
          <dd className="break-all font-mono text-xs">{base}/.well-known/portcullis-jwks.json</dd>
          <dt className="text-muted">Resource id</dt>
          <dd className="break-all font-mono text-xs">{id}</dd>
        </dl>
      </Card>
    </div>
  );
}
