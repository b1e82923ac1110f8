import { OverviewDashboard } from "@/components/telemetry/overview-dashboard";
import type { RangeKey } from "@/lib/schemas/telemetry";
import { listResourceOptions } from "@/lib/server/telemetry/events-query";
import { getOverview } from "@/lib/server/telemetry/overview";

/**
 * Server component: the telemetry Overview (KPIs and charts, live), fleet-wide or for one resource.
 * The caller has checked the actor (telemetry.read is part of every role's read set). Used by the
 * dashboard home page and by each resource's Overview tab (`<TelemetryOverviewPanel resourceId={id} />`).
 */
export async function TelemetryOverviewPanel({
  resourceId,
  range = "24h",
  pickResource = false,
}: {
  resourceId?: string;
  range?: RangeKey;
  /** Show the resource picker (the home page); a resource page pins its own id. */
  pickResource?: boolean;
}) {
  const [initial, resources] = await Promise.all([
    getOverview({ range, resourceId }),
    pickResource ? listResourceOptions() : Promise.resolve([]),
  ]);
  return (
    <OverviewDashboard
      initial={initial}
      resources={resources}
      fixedResourceId={pickResource ? undefined : resourceId}
    />
  );
}
