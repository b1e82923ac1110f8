import type { Metadata } from "next";
import { reasonHelp } from "@/components/telemetry/reasons";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageActor } from "@/lib/server/auth/session";
import { listResourceOptions } from "@/lib/server/telemetry/events-query";
import { DebuggerForm } from "./_components/debugger-form";

export const metadata: Metadata = { title: "Token debugger" };

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v.slice(0, 200) : undefined);

/**
 * "Why was this denied?": paste a token, choose a resource and version, and see the enforcer's own
 * checks one by one. Opened from a denied event, it pre-fills the resource, method and tool and shows
 * the event's reason (the token itself is never stored, so it must be pasted again).
 */
export default async function TokenDebuggerPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageActor("resources.read");
  const q = await searchParams;
  const resources = await listResourceOptions();
  const event = one(q.event);
  const reason = one(q.reason);
  const help = reason ? reasonHelp(reason) : undefined;
  const resourceId = one(q.resource);
  return (
    <>
      <PageHeader
        title="Token debugger"
        description="Runs the enforcer's own validator and authorizer step by step against a resource's policy and the IdP's live keys, and says what to change where."
      />
      {event ? (
        <Card title={`From event ${event}`} className="mb-6">
          <p className="text-sm" data-testid="event-reason">
            The enforcer denied this request with <code className="font-mono">{reason ?? "an unknown reason"}</code>
            {help ? `: ${help.title}. ${help.explanation}` : "."}
          </p>
          {help ? (
            <p className="mt-1 text-sm">
              <span className="font-medium">Usual fix: </span>
              {help.fix}
            </p>
          ) : null}
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Tokens are never stored with events: paste the client's token below to see every step.
          </p>
        </Card>
      ) : null}
      <DebuggerForm
        resources={resources}
        initial={{
          resourceId: resources.some((r) => r.id === resourceId) ? (resourceId ?? "") : (resources[0]?.id ?? ""),
          method: one(q.method) ?? "",
          tool: one(q.tool) ?? "",
        }}
      />
    </>
  );
}
