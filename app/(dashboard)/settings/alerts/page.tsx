import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, PageHeader } from "@/components/ui/card";
import { ALL_REASON_CODES } from "@/lib/enforcer/errors";
import { ALERT_KINDS, type AlertKind, KIND_INFO } from "@/lib/schemas/alerts";
import { listChannels } from "@/lib/server/alerts/channels";
import { listRules, type RuleDto } from "@/lib/server/alerts/rules";
import { can } from "@/lib/server/auth/permissions";
import { requirePageActor } from "@/lib/server/auth/session";
import { listResourceOptions } from "@/lib/server/telemetry/events-query";
import { ChannelControls } from "./_components/channel-controls";
import { ChannelForm } from "./_components/channel-form";
import { OverrideForm } from "./_components/override-form";
import { RuleEditor } from "./_components/rule-editor";

export const metadata: Metadata = { title: "Alert rules and channels" };

function RuleSummary({ r, channels }: { r: RuleDto; channels: Map<string, string> }) {
  const info = KIND_INFO[r.kind];
  return (
    <p className="text-xs text-slate-600 dark:text-slate-400">
      {info.op} {r.threshold} {info.unit} over {r.windowMin} min · pending {r.forMin} min · resolves after{" "}
      {r.resolveMin} min · re-notify {r.renotifyMin ? `every ${r.renotifyMin} min` : "never"} · {r.severity} · notifies{" "}
      {r.channelIds.map((id) => channels.get(id) ?? id).join(", ") || "no channel"}
    </p>
  );
}

export default async function AlertSettingsPage() {
  const actor = await requirePageActor("alerts.read");
  const [rules, channels, resources] = await Promise.all([listRules(), listChannels(), listResourceOptions()]);
  const canWrite = can(actor.role, "alerts.write");
  const names = new Map(resources.map((r) => [r.id, r.name]));
  const channelNames = new Map(channels.map((c) => [c.id, c.name]));
  const channelOptions = channels.map((c) => ({ id: c.id, name: c.name }));
  const byKind = ALERT_KINDS.map((kind) => ({ kind, rules: rules.filter((r) => r.kind === kind) }));
  return (
    <>
      <PageHeader
        title="Alert rules and channels"
        description={
          <>
            Fleet-wide rules with the deployment guide's thresholds, overridable per resource, evaluated every minute.
            Firing alerts are on the{" "}
            <Link href="/alerts" className="underline">
              Alerts
            </Link>{" "}
            page.
            {canWrite ? "" : " Your role can read these settings, not change them."}
          </>
        }
      />
      <div className="space-y-6">
        {byKind.map(({ kind, rules: list }) => {
          const info = KIND_INFO[kind as AlertKind];
          return (
            <Card key={kind} title={info.title} summary={`${info.op} ${info.threshold} ${info.unit} by default`}>
              <p className="mb-1 text-xs text-slate-600 dark:text-slate-400">
                <strong>Usual cause:</strong> {info.cause}
              </p>
              <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">
                <strong>What to check:</strong> {info.check}
              </p>
              <ul className="divide-y divide-slate-100 dark:divide-slate-800">
                {list.map((r) => (
                  <li key={r.id} className="space-y-2 py-3" data-rule={`${r.kind}/${r.reason}/${r.resourceId}`}>
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{r.name}</span>
                      <Badge tone={r.enabled ? "green" : "slate"}>{r.enabled ? "on" : "off"}</Badge>
                      <Badge tone="blue">
                        {r.resourceId ? `override: ${names.get(r.resourceId) ?? r.resourceId}` : "fleet-wide"}
                      </Badge>
                    </div>
                    <RuleSummary r={r} channels={channelNames} />
                    {canWrite ? (
                      <RuleEditor
                        // Stable across saves: a key that changes with updatedAt remounted the form after every save
                        // and took its "Saved." confirmation (and the keyboard focus) with it.
                        key={r.id}
                        channels={channelOptions}
                        rule={{
                          ...r,
                          fixedWindow: info.fixedWindow === true,
                          unit: info.unit,
                          op: info.op,
                          isOverride: r.resourceId !== "",
                        }}
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            </Card>
          );
        })}
        {canWrite ? (
          <Card title="Add a per-resource override">
            <OverrideForm
              kinds={ALERT_KINDS.map((k) => ({ value: k, label: KIND_INFO[k].title }))}
              reasons={[...ALL_REASON_CODES]}
              resources={resources}
            />
          </Card>
        ) : null}
        <Card title={`Channels (${channels.length})`}>
          {channels.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No channel yet: alerts show here only.</p>
          ) : (
            <ul aria-label="Channels" className="divide-y divide-slate-100 dark:divide-slate-800">
              {channels.map((c) => (
                <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-channel={c.name}>
                  <div>
                    <span className="font-medium">{c.name}</span> <Badge>{c.kind}</Badge>{" "}
                    <Badge tone={c.enabled ? "green" : "slate"}>{c.enabled ? "enabled" : "disabled"}</Badge>
                    <div className="text-xs text-slate-600 dark:text-slate-400">
                      {c.target} · from {c.minSeverity} up
                    </div>
                  </div>
                  {canWrite ? <ChannelControls id={c.id} name={c.name} enabled={c.enabled} /> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {canWrite ? (
          <Card title="Add a channel">
            <ChannelForm />
          </Card>
        ) : null}
      </div>
    </>
  );
}
