import { notFound } from "next/navigation";
import { VersionDiff } from "@/components/config/version-diff";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { type VersionDiff as Diff, diffConfigVersions, listConfigVersions } from "@/lib/server/config/versions";
import { AppError } from "@/lib/server/errors";
import { listDraftSnapshots } from "@/lib/server/resources/draft-snapshots";
import { diffVersionToDraft } from "@/lib/server/resources/draft-status";
import { resourceTitle } from "../_components/page-title";
import { DraftSnapshots } from "./_components/draft-snapshots";
import { RollbackButton } from "./_components/rollback-button";

export const generateMetadata = resourceTitle("Config history");

const selectClass =
  "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

async function loadVersions(id: string) {
  try {
    return await listConfigVersions(id);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
}

/** Published versions (who, when, note), a diff between any two, and rollback for publishers. */
export default async function HistoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ from?: string; to?: string }>;
}) {
  const actor = await requirePageActor("resources.read");
  const { id } = await params;
  const versions = await loadVersions(id);
  const canPublish = can(actor.role, "config.publish");
  if (versions.length === 0) {
    return (
      <Card title="History">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Nothing is published yet. {canPublish ? "Use Publish above" : "An admin publishes the draft"} to freeze it
          into version 1: a signed bundle that enforcers verify before applying.
        </p>
      </Card>
    );
  }
  const query = await searchParams;
  const latest = versions[0]?.version ?? 1;
  // `to=draft` compares a version with what the draft would publish (the header's "Draft differs" link).
  const toDraft = query.to === "draft";
  const to = toDraft ? latest : Number(query.to) || latest;
  const from = Number(query.from) || (toDraft ? latest : Math.max(1, to - 1));
  let diff: { title: string; changes: Diff["changes"] } | null = null;
  let diffError: string | null = null;
  try {
    if (toDraft) {
      const d = await diffVersionToDraft(id, from);
      diff = { title: `Changes from v${from} to the draft`, changes: d.changes };
    } else {
      const d = await diffConfigVersions(id, from, to);
      diff = { title: `Changes from v${d.from.version} to v${d.to.version}`, changes: d.changes };
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    diffError = err.message;
  }
  const snapshots = await listDraftSnapshots(id);
  const canWrite = can(actor.role, "resources.write");
  return (
    <div className="space-y-6">
      <Card title={`${versions.length} version${versions.length === 1 ? "" : "s"}`}>
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-muted">
            <tr>
              <th className="py-2 pr-4 font-medium">Version</th>
              <th className="py-2 pr-4 font-medium">Published</th>
              <th className="py-2 pr-4 font-medium">By</th>
              <th className="py-2 pr-4 font-medium">Note</th>
              <th className="py-2 pr-4 font-medium">Signing key</th>
              {canPublish ? <th className="py-2 font-medium">Rollback</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {versions.map((v) => (
              <tr key={v.version} data-testid={`version-${v.version}`}>
                <td className="py-2 pr-4 font-medium">
                  v{v.version} {v.version === latest ? <Badge tone="green">live</Badge> : null}
                  {v.rolledBackFrom !== null ? <Badge tone="amber">rollback of v{v.rolledBackFrom}</Badge> : null}
                </td>
                <td className="py-2 pr-4 text-slate-600 dark:text-slate-400">{utcTime(v.publishedAt)}</td>
                <td className="py-2 pr-4">{v.publishedByEmail}</td>
                <td className="py-2 pr-4">{v.note || <span className="text-slate-400">—</span>}</td>
                <td className="py-2 pr-4 font-mono text-xs text-muted">{v.kid}</td>
                {canPublish ? (
                  <td className="py-2">
                    {v.version === latest ? null : (
                      <RollbackButton resourceId={id} version={v.version} liveVersion={latest} />
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Compare versions">
        {/* A plain GET form: the diff is rendered on the server, and the URL can be shared. Keyed by the pair, so
            after a rollback or a link the selectors always show the pair whose diff is below (issue 13 #4). */}
        <form
          key={`${from}-${toDraft ? "draft" : to}`}
          method="get"
          className="mb-4 flex flex-wrap items-end gap-3"
          aria-label="Compare versions"
        >
          <div>
            <label htmlFor="diff-from" className="text-sm font-medium">
              From
            </label>
            <select id="diff-from" name="from" defaultValue={from} className={selectClass}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="diff-to" className="text-sm font-medium">
              To
            </label>
            <select id="diff-to" name="to" defaultValue={toDraft ? "draft" : to} className={selectClass}>
              <option value="draft">draft</option>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" variant="secondary">
            Compare
          </Button>
        </form>
        {diffError ? <p className="text-sm text-red-700">{diffError}</p> : null}
        {diff ? (
          <>
            <h3 className="mb-2 text-sm font-medium">{diff.title}</h3>
            <VersionDiff changes={diff.changes} />
          </>
        ) : null}
      </Card>
      <DraftSnapshots resourceId={id} snapshots={snapshots} canRestore={canWrite} />
    </div>
  );
}
