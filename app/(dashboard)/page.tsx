import type { Metadata } from "next";
import Link from "next/link";
import { TelemetryOverviewPanel } from "@/app/(dashboard)/_components/telemetry-overview-panel";
import { Card, PageHeader } from "@/components/ui/card";
import { UtcTime } from "@/components/ui/utc-time-label";
import { parseSearchParams, type SearchParams } from "@/lib/schemas/search-params";
import { OverviewQuery } from "@/lib/schemas/telemetry";
import { listAuditEvents } from "@/lib/server/audit-query";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requirePageActor("telemetry.read");
  const { value: query } = parseSearchParams(OverviewQuery, await searchParams);
  const audit = can(actor.role, "audit.read") ? (await listAuditEvents({})).events.slice(0, 6) : [];
  return (
    <>
      <PageHeader
        title="Overview"
        description="What the MCP fleet is doing: authentication outcomes, key refreshes, OBO latency, tool use and rate limits."
        actions={
          <Link href="/events" className="text-sm font-medium text-link hover:underline">
            Events explorer →
          </Link>
        }
      />
      <TelemetryOverviewPanel range={query.range} resourceId={query.resource} pickResource />
      {audit.length > 0 ? (
        <Card
          className="mt-6"
          title="Recent admin activity"
          actions={
            <Link href="/audit" className="text-sm text-link hover:underline">
              Audit trail →
            </Link>
          }
        >
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {audit.map((e) => (
              <li key={e.seq} className="flex flex-wrap justify-between gap-x-4 gap-y-1 py-2">
                <span className="min-w-0 break-all font-mono text-xs">{e.action}</span>
                <span className="text-muted">
                  {e.actorEmail} · <UtcTime at={e.at} precision="minute" />
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
