"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { reasonColor } from "@/components/telemetry/reasons";
import { Badge, Card } from "@/components/ui/card";
import { UtcTime } from "@/components/ui/utc-time-label";
import type { EventDto } from "@/lib/schemas/telemetry";
import { EventDrawer } from "./event-drawer";

type Page = { events: EventDto[]; nextCursor: number | null };

const tone = (outcome: string) =>
  outcome === "allow" || outcome === "ok" ? "green" : outcome === "deny" || outcome === "error" ? "red" : "amber";

/**
 * The explorer's table: the server rendered the first page; "Load older" fetches the next one by
 * cursor (keyset on id) from /api/v1/events with the same filters. A row opens a drawer with every field.
 */
export function EventsTable({ initial, query }: { initial: Page; query: string }) {
  const [open, setOpen] = useState<EventDto | null>(null);
  const pages = useInfiniteQuery({
    queryKey: ["telemetry-events", query],
    initialPageParam: null as number | null,
    queryFn: async ({ pageParam }): Promise<Page> => {
      const params = new URLSearchParams(query);
      if (pageParam) params.set("cursor", String(pageParam));
      const res = await fetch(`/api/v1/events?${params}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`events: HTTP ${res.status}`);
      return (await res.json()) as Page;
    },
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initial], pageParams: [null] },
    staleTime: Number.POSITIVE_INFINITY, // a list you page through should not reshuffle under you
  });
  const events = pages.data?.pages.flatMap((p) => p.events) ?? [];
  if (events.length === 0) {
    return (
      <Card>
        <p className="text-sm text-muted">
          No events match these filters. Widen the range, or check that an enforcer is connected (see the{" "}
          <Link href="/" className="text-link underline">
            Overview
          </Link>
          ).
        </p>
      </Card>
    );
  }
  return (
    <Card>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Telemetry events, newest first</caption>
          <thead className="text-xs uppercase text-muted">
            <tr>
              <th className="py-2 pr-3 font-medium">Time</th>
              <th className="py-2 pr-3 font-medium">Resource</th>
              <th className="py-2 pr-3 font-medium">Type</th>
              <th className="py-2 pr-3 font-medium">Outcome</th>
              <th className="py-2 pr-3 font-medium">Reason</th>
              <th className="py-2 pr-3 font-medium">Client</th>
              <th className="py-2 pr-3 font-medium">Subject</th>
              <th className="py-2 pr-3 font-medium">Tool</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Details</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {events.map((e) => (
              <tr key={e.id} data-event-id={e.id}>
                <td className="whitespace-nowrap py-2 pr-3 tabular-nums">
                  <UtcTime at={e.at} />
                </td>
                <td className="max-w-48 py-2 pr-3 wrap-anywhere">{e.resourceName}</td>
                <td className="py-2 pr-3 font-mono text-xs">{e.type}</td>
                <td className="py-2 pr-3">
                  <Badge tone={tone(e.outcome)}>{e.outcome || "–"}</Badge>
                </td>
                <td className="py-2 pr-3 font-mono text-xs">
                  {e.outcome === "deny" && e.reason ? (
                    <Link href={`/events/reasons#${e.reason}`} className="text-link hover:underline">
                      {/* The reason's one colour, as in every chart (components/telemetry/reasons.ts). */}
                      <span
                        aria-hidden
                        className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm"
                        style={{ background: reasonColor(e.reason) }}
                        data-reason-color={reasonColor(e.reason)}
                      />
                      {e.reason}
                    </Link>
                  ) : (
                    e.reason
                  )}
                </td>
                <td className="max-w-40 truncate py-2 pr-3 font-mono text-xs">{e.clientId}</td>
                <td className="max-w-40 truncate py-2 pr-3 text-xs">{e.subject}</td>
                <td className="max-w-48 py-2 pr-3 font-mono text-xs wrap-anywhere">{e.tool}</td>
                <td className="py-2 text-right">
                  <button
                    type="button"
                    onClick={() => setOpen(e)}
                    className="text-xs font-medium text-link hover:underline"
                    aria-label={`Details of event ${e.id}`}
                  >
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-4 flex items-center justify-between text-sm">
        <span className="text-muted">
          {events.length} {events.length === 1 ? "event" : "events"} shown
        </span>
        {pages.hasNextPage ? (
          <button
            type="button"
            onClick={() => void pages.fetchNextPage()}
            disabled={pages.isFetchingNextPage}
            className="font-medium text-link hover:underline disabled:opacity-50"
          >
            {pages.isFetchingNextPage ? "Loading…" : "Load older events"}
          </button>
        ) : null}
      </div>
      <EventDrawer event={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
