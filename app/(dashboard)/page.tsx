import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { listAuditEvents } from "@/lib/server/audit-query";
import { requirePageActor } from "@/lib/server/auth/session";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await requirePageActor("dashboard.read");
  const { events } = await listAuditEvents({});
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${actor.email} (${actor.role}).`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Recent admin activity"
          actions={
            <Link href="/audit" className="text-sm text-brand-600 hover:underline">
              Audit trail →
            </Link>
          }
        >
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {events.slice(0, 8).map((e) => (
              <li key={e.seq} className="flex justify-between gap-4 py-2">
                <span className="font-mono text-xs">{e.action}</span>
                <span className="text-slate-500">{e.actorEmail}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
