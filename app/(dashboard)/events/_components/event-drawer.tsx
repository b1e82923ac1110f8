"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { reasonHelp } from "@/components/telemetry/reasons";
import { utcTime } from "@/components/ui/utc-time";
import type { EventDto } from "@/lib/schemas/telemetry";

/**
 * Every field of one event, in a native modal <dialog> docked to the right (focus trap, Escape and
 * the backdrop come with it). Failure reasons carry their explanation and fix inline.
 */
export function EventDrawer({ event, onClose }: { event: EventDto | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (event && !dialog.open) dialog.showModal();
    if (!event && dialog.open) dialog.close();
  }, [event]);
  const help = event?.reason ? reasonHelp(event.reason) : undefined;
  const fields: [string, string][] = event
    ? [
        ["Event id", String(event.id)],
        ["Time", utcTime(event.at)],
        ["Resource", `${event.resourceName} (${event.resourceId})`],
        ["Enforcer instance", event.instanceId || "–"],
        ["Type", event.type],
        ["Outcome", event.outcome || "–"],
        ["Reason", event.reason || "–"],
        ["Client id", event.clientId || "–"],
        ["Subject", event.subject || "–"],
        [event.type === "obo_exchange" ? "Downstream" : "Tool", event.tool || "–"],
        ["MCP method", event.method || "–"],
        ["Latency", event.latencyMs === null ? "–" : `${event.latencyMs.toFixed(2)} ms`],
        ...Object.entries(event.data ?? {}).map(([k, v]): [string, string] => [
          k,
          typeof v === "string" ? v : JSON.stringify(v),
        ]),
      ]
    : [];
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="event-drawer-title"
      className="fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-md overflow-y-auto border-l border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100"
    >
      {event ? (
        <div className="p-5">
          <div className="flex items-start justify-between gap-4">
            <h2 id="event-drawer-title" className="text-lg font-semibold">
              Event {event.id}
            </h2>
            <button
              type="button"
              onClick={onClose}
              className="rounded px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              Close
            </button>
          </div>
          {help ? (
            <div className="mt-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm dark:border-amber-900 dark:bg-amber-950/40">
              <p className="font-medium">{help.title}</p>
              <p className="mt-1">{help.explanation}</p>
              <p className="mt-1">
                <span className="font-medium">Fix: </span>
                {help.fix}
              </p>
              <Link
                href={`/events/reasons#${event.reason}`}
                className="mt-1 inline-block text-xs text-link hover:underline"
              >
                All failure reasons →
              </Link>{" "}
              <Link
                href={`/token-debugger?${new URLSearchParams({
                  resource: event.resourceId,
                  event: String(event.id),
                  reason: event.reason,
                  ...(event.method ? { method: event.method } : {}),
                  ...(event.tool ? { tool: event.tool } : {}),
                })}`}
                className="mt-1 ml-3 inline-block text-xs text-link hover:underline"
              >
                Debug a token for this denial →
              </Link>
            </div>
          ) : null}
          <dl className="mt-4 divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {fields.map(([k, v]) => (
              <div key={k} className="grid grid-cols-3 gap-2 py-2">
                <dt className="text-muted">{k}</dt>
                <dd className="col-span-2 font-mono text-xs break-all">{v}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </dialog>
  );
}
