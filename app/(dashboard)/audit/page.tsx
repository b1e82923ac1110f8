import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { FilterBar, FilterInput, FilterSelect } from "@/components/ui/filter-bar";
import { AuditFilterInput } from "@/lib/schemas/audit";
import { parseSearchParams, type SearchParams } from "@/lib/schemas/search-params";
import { listAuditActions, listAuditEvents } from "@/lib/server/audit-query";
import { requirePageActor } from "@/lib/server/auth/session";
import { VerifyChainButton } from "./_components/verify-chain-button";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageActor("audit.read");
  const { value: filter, invalid } = parseSearchParams(AuditFilterInput, await searchParams);
  const [{ events, nextBefore }, actions] = await Promise.all([listAuditEvents(filter), listAuditActions()]);
  const nextQuery = new URLSearchParams({
    ...Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)])),
    before: String(nextBefore ?? ""),
  });
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every admin change, append-only and hash-chained: editing or deleting a row breaks the chain."
        actions={<VerifyChainButton />}
      />
      <Card className="mb-6">
        <FilterBar label="Filter audit events" clearHref="/audit" invalid={invalid} columns="sm:grid-cols-5">
          <FilterSelect label="Action" name="action" defaultValue={filter.action ?? ""} options={actions} />
          <FilterInput
            label="Actor"
            name="actor"
            defaultValue={filter.actor ?? ""}
            placeholder="email contains"
            maxLength={320}
          />
          <FilterInput label="From" type="date" name="from" defaultValue={filter.from ?? ""} />
          <FilterInput label="To" type="date" name="to" defaultValue={filter.to ?? ""} />
        </FilterBar>
      </Card>
      <Card>
        {events.length === 0 ? (
          <p className="text-sm text-muted">No audit events match these filters.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="py-2 pr-3 font-medium">#</th>
                <th className="py-2 pr-3 font-medium">Time (UTC)</th>
                <th className="py-2 pr-3 font-medium">Actor</th>
                <th className="py-2 pr-3 font-medium">Action</th>
                <th className="py-2 pr-3 font-medium">Target</th>
                <th className="py-2 font-medium">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top dark:divide-slate-800">
              {events.map((e) => (
                <tr key={e.seq}>
                  <td className="py-2 pr-3 text-muted">{e.seq}</td>
                  <td className="whitespace-nowrap py-2 pr-3">{e.at.replace("T", " ").slice(0, 19)}</td>
                  <td className="py-2 pr-3">{e.actorEmail}</td>
                  <td className="py-2 pr-3 font-mono text-xs">{e.action}</td>
                  <td className="py-2 pr-3 text-xs">
                    {e.targetType}
                    {e.targetId ? <span className="block text-muted">{e.targetId}</span> : null}
                  </td>
                  <td className="max-w-md py-2 font-mono text-xs break-all">
                    {e.before ? <div className="text-red-700 dark:text-red-400">− {e.before}</div> : null}
                    {e.after ? <div className="text-emerald-700 dark:text-emerald-400">+ {e.after}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {nextBefore ? (
          <div className="mt-4 text-right">
            <Link href={`/audit?${nextQuery}`} className="text-sm font-medium text-link hover:underline">
              Older events →
            </Link>
          </div>
        ) : null}
      </Card>
    </>
  );
}
