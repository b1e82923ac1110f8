import type { Metadata } from "next";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { utcTime } from "@/components/ui/utc-time";
import { SINK_KIND_LABEL } from "@/lib/schemas/audit-sinks";
import type { SinkDto } from "@/lib/server/audit-stream/sinks";
import { listSinks } from "@/lib/server/audit-stream/sinks";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { SinkEditForm } from "./_components/sink-edit-form";
import { SinkForm } from "./_components/sink-form";
import { SinkRowControls } from "./_components/sink-row-controls";

export const metadata: Metadata = { title: "Audit streaming" };

function state(s: SinkDto): { label: string; tone: "green" | "red" | "amber" | "slate" } {
  if (!s.enabled) return { label: "paused", tone: "slate" };
  if (s.status.failures > 0) return { label: "failing", tone: "red" };
  if (s.status.pending > 0) return { label: "catching up", tone: "amber" };
  return { label: "delivering", tone: "green" };
}

function lag(s: SinkDto): string {
  if (s.status.pending === 0) return "none";
  const sec = s.status.lagSeconds;
  const age = sec < 120 ? `${sec} s` : sec < 7200 ? `${Math.round(sec / 60)} min` : `${Math.round(sec / 3600)} h`;
  return `${s.status.pending} event${s.status.pending === 1 ? "" : "s"}, oldest ${age}`;
}

export default async function AuditStreamingPage() {
  const actor = await requirePageActor("audit.read");
  const sinks = await listSinks();
  const canWrite = can(actor.role, "audit.stream");
  return (
    <>
      <PageHeader
        title="Audit streaming"
        description={`Ship every audit event (and, per sink, enforcer denials) to your SIEM: a signed JSON Lines webhook, syslog (RFC 5424 over TCP or TLS) or Splunk HEC. Delivery is at least once and in order; a resent event keeps its id, so the SIEM can drop duplicates.${canWrite ? "" : " Your role can read these settings, not change them."}`}
      />
      <div className="space-y-6">
        <Card title={<span id="sinks-heading">{`Sinks (${sinks.length})`}</span>}>
          {sinks.length === 0 ? (
            <p className="text-sm text-muted">No sink yet: audit events stay in the Audit trail only.</p>
          ) : (
            <ul aria-label="Sinks" className="divide-y divide-slate-100 dark:divide-slate-800">
              {sinks.map((s) => {
                const st = state(s);
                return (
                  <li key={s.id} className="space-y-2 py-3" data-testid={`sink-${s.name}`}>
                    <div className="flex flex-wrap items-center gap-2">
                      <h3 className="font-medium">{s.name}</h3>
                      <Badge>{SINK_KIND_LABEL[s.kind]}</Badge>
                      <Badge tone={st.tone}>{st.label}</Badge>
                      {s.includeDenials ? <Badge tone="blue">audit + denials</Badge> : <Badge>audit only</Badge>}
                    </div>
                    <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
                      <div>
                        <dt className="text-xs text-muted">Target</dt>
                        <dd className="break-all">{s.target}</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted">Last delivered</dt>
                        <dd>{s.status.lastDeliveredAt ? utcTime(s.status.lastDeliveredAt) : "never"}</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted">Lag</dt>
                        <dd>{lag(s)}</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted">Delivered</dt>
                        <dd>{s.status.delivered} events</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted">Failed attempts in a row</dt>
                        <dd>
                          {s.status.failures}
                          {s.status.failures > 0 ? ` (next try ${utcTime(s.status.nextAttemptAt)})` : ""}
                        </dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted">Last error</dt>
                        <dd className={s.status.lastError ? "text-red-700 dark:text-red-400" : ""}>
                          {s.status.lastError ?? "none"}
                        </dd>
                      </div>
                    </dl>
                    {canWrite ? (
                      <>
                        <SinkRowControls id={s.id} name={s.name} enabled={s.enabled} />
                        <SinkEditForm
                          sink={{ id: s.id, name: s.name, kind: s.kind, includeDenials: s.includeDenials }}
                        />
                      </>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
        {canWrite ? (
          <Card title="Add a sink">
            <SinkForm />
          </Card>
        ) : null}
      </div>
    </>
  );
}
