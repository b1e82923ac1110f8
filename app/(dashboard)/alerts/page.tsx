import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import {
  ALERT_KINDS,
  ALERT_STATES,
  type AlertKind,
  AlertListQuery,
  alertEventsHref,
  KIND_INFO,
} from "@/lib/schemas/alerts";
import { type AlertDto, listAlerts, listDeliveries } from "@/lib/server/alerts/alerts";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { listResourceOptions } from "@/lib/server/telemetry/events-query";
import { AlertActions } from "./_components/alert-actions";

export const metadata: Metadata = { title: "Alerts" };

const STATE_TONE = { pending: "amber", firing: "red", acknowledged: "blue", resolved: "green" } as const;
const control =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const round = (v: number) => Math.round(v * 10) / 10;

function AlertRow({ a, canWrite, deliveries }: { a: AlertDto; canWrite: boolean; deliveries: string[] }) {
  const info = KIND_INFO[a.kind as AlertKind];
  const events = alertEventsHref(a, a.windowMin, Date.now());
  const label = `${a.ruleName}${a.resourceName ? ` on ${a.resourceName}` : ""}${a.key ? ` (${a.key})` : ""}`;
  return (
    <li className="py-3" data-alert-id={a.id} data-state={a.state}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={STATE_TONE[a.state as keyof typeof STATE_TONE] ?? "slate"}>{a.state}</Badge>
            <Badge tone={a.severity === "critical" ? "red" : a.severity === "warning" ? "amber" : "slate"}>
              {a.severity}
            </Badge>
            {a.flapping ? <Badge tone="amber">flapping: notifications paused</Badge> : null}
            <span className="font-medium">{label}</span>
          </div>
          <p className="text-sm text-slate-700 dark:text-slate-300">{a.summary}</p>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Value {round(a.value)} {info?.unit} vs threshold {info?.op} {round(a.threshold)} · since{" "}
            {utcTime(a.firedAt ?? a.startedAt)}
            {a.ackAt
              ? ` · acknowledged by ${a.ackByEmail} at ${utcTime(a.ackAt)}${a.ackNote ? `: “${a.ackNote}”` : ""}`
              : ""}
            {a.resolvedAt ? ` · resolved ${utcTime(a.resolvedAt)} by ${a.resolvedBy}` : ""}
          </p>
          <details className="text-xs text-slate-600 dark:text-slate-400">
            <summary className="cursor-pointer">What usually causes it, what to check, deliveries</summary>
            <p className="mt-1">
              <strong>Cause:</strong> {info?.cause}
            </p>
            <p>
              <strong>Check:</strong> {info?.check}
            </p>
            <p>
              <strong>Deliveries:</strong> {deliveries.length ? deliveries.join(" · ") : "none routed"}
            </p>
          </details>
          {events ? (
            <Link className="text-xs text-link underline" href={events}>
              Events in this window
            </Link>
          ) : null}
        </div>
        {canWrite && a.state !== "resolved" ? <AlertActions id={a.id} state={a.state} label={label} /> : null}
      </div>
    </li>
  );
}

export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor("alerts.read");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== ""),
  ) as Record<string, string>;
  const parsed = AlertListQuery.safeParse({ limit: 100, ...raw });
  const query = parsed.success ? parsed.data : AlertListQuery.parse({ limit: 100 });
  const [open, history, resources] = await Promise.all([
    listAlerts({ state: "open", limit: 100 }),
    listAlerts(query),
    listResourceOptions(),
  ]);
  const deliveries = await listDeliveries([...open, ...history].map((a) => a.id));
  const deliveryLines = (id: string) =>
    (deliveries.get(id) ?? []).map(
      (d) =>
        `${d.event} → ${d.channelName}: ${d.status}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}${d.lastError ? ` (${d.lastError})` : ""}`,
    );
  const canWrite = can(actor.role, "alerts.write");
  const firing = open.filter((a) => a.state === "firing").length;
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules evaluated every minute over the telemetry rollups. Acknowledge to stop re-notification; an alert resolves by itself once its condition stays false for the rule's resolve window."
        actions={
          <Link className="text-sm text-link underline" href="/settings/alerts">
            Rules and channels
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title={`Open alerts (${open.length})`} summary={`${firing} firing`}>
          {open.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Nothing is firing.</p>
          ) : (
            <ul aria-label="Open alerts" className="divide-y divide-slate-100 dark:divide-slate-800">
              {open.map((a) => (
                <AlertRow key={a.id} a={a} canWrite={canWrite} deliveries={deliveryLines(a.id)} />
              ))}
            </ul>
          )}
        </Card>
        <Card title="History">
          <form method="get" className="mb-4 grid gap-3 sm:grid-cols-5" aria-label="Filter alerts">
            <label className="text-xs font-medium">
              State
              <select name="state" defaultValue={query.state ?? ""} className={control}>
                <option value="">any</option>
                {[...ALERT_STATES, "open"].map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium">
              Rule kind
              <select name="kind" defaultValue={query.kind ?? ""} className={control}>
                <option value="">any</option>
                {ALERT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_INFO[k].title}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium">
              Resource
              <select name="resourceId" defaultValue={query.resourceId ?? ""} className={control}>
                <option value="">any</option>
                {resources.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium">
              Started after (UTC, ISO)
              <input
                name="from"
                defaultValue={query.from ?? ""}
                placeholder="2026-12-01T00:00:00Z"
                className={control}
              />
            </label>
            <div className="flex items-end">
              <button
                type="submit"
                className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
              >
                Filter
              </button>
            </div>
          </form>
          {!parsed.success ? (
            <p className="mb-2 text-sm text-red-700">Some filters were invalid and were ignored.</p>
          ) : null}
          {history.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No alerts match.</p>
          ) : (
            <ul aria-label="Alert history" className="divide-y divide-slate-100 dark:divide-slate-800">
              {history.map((a) => (
                // Controls only in the open list: one Acknowledge/Resolve button per alert on the page.
                <AlertRow key={a.id} a={a} canWrite={false} deliveries={deliveryLines(a.id)} />
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
