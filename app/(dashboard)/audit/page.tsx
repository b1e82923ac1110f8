import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { FilterBar, FilterInput, FilterSelect } from "@/components/ui/filter-bar";
import { UtcTime } from "@/components/ui/utc-time-label";
import { AuditFilterInput } from "@/lib/schemas/audit";
import { parseSearchParams, type SearchParams } from "@/lib/schemas/search-params";
import { listAuditActions, listAuditEvents } from "@/lib/server/audit-query";
import { requirePageActor } from "@/lib/server/auth/session";
import { AuditChange } from "./_components/audit-change";
import { VerifyChainButton } from "./_components/verify-chain-button";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageActor("audit.read");
  const { value: filter, invalid } = parseSearchParams(AuditFilterInput, await searchParams);
  const [{ events, nextBefore }, actions] = await Promise.all([listAuditEvents(filter), listAuditActions()]);
  const filterQuery = Object.fromEntries(
    Object.entries(filter).flatMap(([k, v]) => (k === "before" || v === undefined ? [] : [[k, String(v)]])),
  );
  const nextQuery = new URLSearchParams({ ...filterQuery, before: String(nextBefore ?? "") });
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every admin change, append-only and hash-chained: editing or deleting a row breaks the chain."
        actions={
          <div className="flex flex-wrap items-start justify-end gap-2">
            {(["csv", "jsonl"] as const).map((format) => (
              <a
                key={format}
                href={`/api/v1/audit/export?${new URLSearchParams({ ...filterQuery, format })}`}
                download
                className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
                title="The filtered trail, oldest first, each row with its chain hash (npm run audit:verify -- --file)"
              >
                Export {format === "csv" ? "CSV" : "JSON Lines"}
              </a>
            ))}
            <VerifyChainButton />
          </div>
        }
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
          <table className="w-full table-fixed text-left text-sm">
            <thead className="text-xs uppercase text-muted">
              <tr>
                <th className="w-10 py-2 pr-3 font-medium">#</th>
                <th className="w-24 py-2 pr-3 font-medium">Time</th>
                <th className="w-36 py-2 pr-3 font-medium">Actor</th>
                <th className="w-44 py-2 pr-3 font-medium">Action</th>
                <th className="w-40 py-2 pr-3 font-medium">Target</th>
                <th className="py-2 font-medium">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top dark:divide-slate-800">
              {events.map((e) => (
                <tr key={e.seq} data-seq={e.seq}>
                  <td className="py-2 pr-3 text-muted">{e.seq}</td>
                  <td className="py-2 pr-3 tabular-nums">
                    <UtcTime at={e.at} />
                  </td>
                  <td className="py-2 pr-3 wrap-anywhere">{e.actorEmail}</td>
                  <td className="py-2 pr-3 font-mono text-xs wrap-anywhere">{e.action}</td>
                  <td className="py-2 pr-3 text-xs">
                    <span className="text-muted">{e.targetType}</span>
                    {e.targetId ? (
                      <span className="block font-medium wrap-anywhere" title={`id ${e.targetId}`}>
                        {e.targetName ?? e.targetId}
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2">
                    <AuditChange event={e} />
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
