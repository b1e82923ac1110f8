import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { ALL_REASON_CODES } from "@/lib/enforcer/errors";
import { EVENT_OUTCOMES, EVENT_TYPES, type EventFilter, parseEventFilter } from "@/lib/schemas/telemetry";
import { requirePageActor } from "@/lib/server/auth/session";
import { listEvents, listResourceOptions, MAX_EXPORT_ROWS } from "@/lib/server/telemetry/events-query";
import { EventsTable } from "./_components/events-table";

export const metadata: Metadata = { title: "Events" };

const control =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

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
    <label className="text-xs font-medium">
      {label}
      <input
        name={name}
        defaultValue={filter[name] ?? ""}
        placeholder={placeholder}
        maxLength={256}
        className={control}
      />
    </label>
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
        <form className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter events">
          <label className="text-xs font-medium">
            Resource
            <select name="resource" defaultValue={filter.resource ?? ""} className={control}>
              <option value="">any</option>
              {resources.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <label className="text-xs font-medium">
            Type
            <select name="type" defaultValue={filter.type ?? ""} className={control}>
              <option value="">any</option>
              {EVENT_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label className="text-xs font-medium">
            Outcome
            <select name="outcome" defaultValue={filter.outcome ?? ""} className={control}>
              <option value="">any</option>
              {EVENT_OUTCOMES.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </label>
          <label className="text-xs font-medium">
            Reason
            <select name="reason" defaultValue={filter.reason ?? ""} className={control}>
              <option value="">any</option>
              {ALL_REASON_CODES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          {text("client", "Client id", "exact client id")}
          {text("subject", "Subject", "exact sub")}
          {text("tool", "Tool", "exact tool name")}
          <label className="text-xs font-medium">
            Range
            <select name="range" defaultValue={filter.range} className={control}>
              <option value="15m">last 15 min</option>
              <option value="1h">last hour</option>
              <option value="24h">last 24 hours</option>
              <option value="7d">last 7 days</option>
              <option value="all">all retained</option>
            </select>
          </label>
          <label className="text-xs font-medium">
            From (UTC)
            <input type="datetime-local" name="from" defaultValue={params.get("from") ?? ""} className={control} />
          </label>
          <label className="text-xs font-medium">
            To (UTC)
            <input type="datetime-local" name="to" defaultValue={params.get("to") ?? ""} className={control} />
          </label>
          <div className="flex items-end gap-2 lg:col-span-2">
            <button
              type="submit"
              className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
            >
              Filter
            </button>
            <Link href="/events" className="px-2 py-1.5 text-sm text-slate-600 hover:underline dark:text-slate-300">
              Clear
            </Link>
          </div>
        </form>
        {invalid ? <p className="mt-2 text-xs text-red-600">Some filters were invalid and were ignored.</p> : null}
      </Card>
      <EventsTable key={params.toString()} initial={first} query={params.toString()} />
    </>
  );
}
