import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { FilterBar, FilterInput, FilterSelect } from "@/components/ui/filter-bar";
import { ALL_REASON_CODES } from "@/lib/enforcer/errors";
import { EVENT_OUTCOMES, EVENT_TYPES, type EventFilter, parseEventFilter } from "@/lib/schemas/telemetry";
import { requirePageActor } from "@/lib/server/auth/session";
import { listEvents, listResourceOptions, MAX_EXPORT_ROWS } from "@/lib/server/telemetry/events-query";
import { EventsTable } from "./_components/events-table";

export const metadata: Metadata = { title: "Events" };

/** The filters as URL params (dates back to the datetime-local form), without the cursor. */
function filterParams(f: EventFilter): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of ["resource", "type", "outcome", "reason", "client", "subject", "tool", "range"] as const) {
    const v = f[key];
    if (v) p.set(key, v);
  }
  if (f.from) p.set("from", f.from.toISOString().slice(0, 16));
  if (f.to) p.set("to", f.to.toISOString().slice(0, 16));
  return p;
}

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageActor("telemetry.read");
  const { filter, invalid } = parseEventFilter(await searchParams);
  const [first, resources] = await Promise.all([listEvents(filter), listResourceOptions()]);
  const params = filterParams(filter);
  const text = (name: "client" | "subject" | "tool", label: string, placeholder: string) => (
    <FilterInput
      label={label}
      name={name}
      defaultValue={filter[name] ?? ""}
      placeholder={placeholder}
      maxLength={256}
    />
  );
  return (
    <>
      <PageHeader
        title="Events"
        description="Raw telemetry from the enforcers: every decision with its reason, client, subject and tool. Kept for the raw retention period (7 days by default)."
        actions={
          <a
            href={`/api/v1/events/export?${params}`}
            download
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
            title={`The filtered set, newest first, at most ${MAX_EXPORT_ROWS.toLocaleString("en-US")} rows`}
          >
            Export CSV
          </a>
        }
      />
      <Card className="mb-6">
        <FilterBar label="Filter events" clearHref="/events" invalid={invalid} columns="sm:grid-cols-3 lg:grid-cols-6">
          <FilterSelect
            label="Resource"
            name="resource"
            defaultValue={filter.resource ?? ""}
            options={resources.map((r) => [r.id, r.name] as const)}
          />
          <FilterSelect label="Type" name="type" defaultValue={filter.type ?? ""} options={EVENT_TYPES} />
          <FilterSelect label="Outcome" name="outcome" defaultValue={filter.outcome ?? ""} options={EVENT_OUTCOMES} />
          <FilterSelect label="Reason" name="reason" defaultValue={filter.reason ?? ""} options={ALL_REASON_CODES} />
          {text("client", "Client id", "exact client id")}
          {text("subject", "Subject", "exact sub")}
          {text("tool", "Tool", "exact tool name")}
          <FilterSelect
            label="Range"
            name="range"
            defaultValue={filter.range}
            anyLabel={null}
            options={[
              ["15m", "last 15 min"],
              ["1h", "last hour"],
              ["24h", "last 24 hours"],
              ["7d", "last 7 days"],
              ["all", "all retained"],
            ]}
          />
          <FilterInput label="From (UTC)" type="datetime-local" name="from" defaultValue={params.get("from") ?? ""} />
          <FilterInput label="To (UTC)" type="datetime-local" name="to" defaultValue={params.get("to") ?? ""} />
        </FilterBar>
      </Card>
      <EventsTable key={params.toString()} initial={first} query={params.toString()} />
    </>
  );
}
