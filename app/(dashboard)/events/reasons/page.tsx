import type { Metadata } from "next";
import Link from "next/link";
import { REASON_HELP, reasonColor } from "@/components/telemetry/reasons";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageActor } from "@/lib/server/auth/session";

export const metadata: Metadata = { title: "Failure reasons" };

/** Every denial reason with its explanation and fix; the explorer and the Overview link here by anchor. */
export default async function ReasonsPage() {
  await requirePageActor("telemetry.read");
  return (
    <>
      <PageHeader
        title="Failure reasons"
        description="What each denial reason reported by the enforcers means, and the usual fix."
        actions={
          <Link href="/events?outcome=deny" className="text-sm font-medium text-link hover:underline">
            Recent failures →
          </Link>
        }
      />
      <Card>
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-muted">
            <tr>
              <th className="py-2 pr-3 font-medium">Reason</th>
              <th className="py-2 pr-3 font-medium">What it means</th>
              <th className="py-2 font-medium">Fix</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top dark:divide-slate-800">
            {Object.entries(REASON_HELP).map(([code, help]) => (
              <tr key={code} id={code} className="scroll-mt-20 target:bg-amber-50 dark:target:bg-amber-950/40">
                <th scope="row" className="py-2 pr-3 font-normal">
                  <span className="block font-medium">
                    <span
                      aria-hidden
                      className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm"
                      style={{ background: reasonColor(code) }}
                      data-reason-color={reasonColor(code)}
                    />
                    {help.title}
                  </span>
                  <Link
                    href={`/events?outcome=deny&reason=${code}`}
                    className="font-mono text-xs text-link hover:underline"
                  >
                    {code}
                  </Link>
                </th>
                <td className="py-2 pr-3">{help.explanation}</td>
                <td className="py-2">{help.fix}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
