import "server-only";
import { db } from "../db";
import type { RawRow } from "./rows";

/**
 * Telemetry poisoning (issue 10 #12): the client ids, tool names and downstream names in telemetry are chosen
 * by whoever holds an enforcer credential, and each new value adds rollup rows for ever (until retention).
 * Per resource at most CARDINALITY_CAPS distinct values are kept per dimension, and one credential may add at
 * most MAX_NEW_VALUES_PER_CREDENTIAL new ones per 10 minutes; the excess is stored as "other" and counted
 * (the intake's `folded`, `portcullis_fleet_telemetry_folded_total`). Known values always keep their name.
 * The known values are loaded from the rollups once per process; each replica admits on its own, so with N
 * replicas a resource may reach N × the cap at worst.
 */
export const OTHER = "other";
export const CARDINALITY_CAPS = { client: 2000, tool: 1000, downstream: 200 } as const;
export const MAX_NEW_VALUES_PER_CREDENTIAL = 500;
export const CREDENTIAL_WINDOW_MS = 10 * 60_000;
/** Instances (rows of the fleet view) one resource may have; telemetry from more is stored, the row is not. */
export const MAX_INSTANCES_PER_RESOURCE = 500;

export type FoldDim = keyof typeof CARDINALITY_CAPS;
const DIMS = Object.keys(CARDINALITY_CAPS) as FoldDim[];
const MAX_RESOURCES = 10_000;

const globalState = globalThis as unknown as {
  portcullisCardinality?: {
    resources: Map<string, Promise<Record<FoldDim, Set<string>>>>;
    windows: Map<string, { start: number; added: number }>;
  };
};

function state() {
  globalState.portcullisCardinality ??= { resources: new Map(), windows: new Map() };
  return globalState.portcullisCardinality;
}

async function loadKnown(resourceId: string): Promise<Record<FoldDim, Set<string>>> {
  const known = { client: new Set<string>(), tool: new Set<string>(), downstream: new Set<string>() };
  const rows = await db().telemetryRollup.findMany({
    where: { resourceId, grain: 1440, dim: { in: DIMS } },
    distinct: ["dim", "dimValue"],
    select: { dim: true, dimValue: true },
    take: DIMS.reduce((n, d) => n + CARDINALITY_CAPS[d], 0) + DIMS.length,
  });
  for (const r of rows) known[r.dim as FoldDim]?.add(r.dimValue);
  return known;
}

function knownValues(resourceId: string): Promise<Record<FoldDim, Set<string>>> {
  const { resources } = state();
  let known = resources.get(resourceId);
  if (!known) {
    if (resources.size >= MAX_RESOURCES) resources.clear();
    known = loadKnown(resourceId);
    known.catch(() => resources.delete(resourceId)); // a failed load is retried by the next batch
    resources.set(resourceId, known);
  }
  return known;
}

/**
 * Replaces, in place, the values of `rows` that exceed the caps with "other". Returns how many values were folded,
 * per dimension.
 */
export async function foldExcessValues(
  rows: RawRow[],
  resourceId: string,
  credentialId: string,
  now = Date.now(),
): Promise<Record<FoldDim, number>> {
  const folded = { client: 0, tool: 0, downstream: 0 };
  if (rows.length === 0) return folded;
  const known = await knownValues(resourceId);
  const { windows } = state();
  let window = windows.get(credentialId);
  if (!window || now - window.start >= CREDENTIAL_WINDOW_MS) {
    if (windows.size >= MAX_RESOURCES) windows.clear();
    window = { start: now, added: 0 };
    windows.set(credentialId, window);
  }
  const admit = (dim: FoldDim, value: string): string => {
    if (value === "" || value === OTHER) return value;
    const set = known[dim];
    if (set.has(value)) return value;
    if (set.size < CARDINALITY_CAPS[dim] && window.added < MAX_NEW_VALUES_PER_CREDENTIAL) {
      set.add(value);
      window.added++;
      return value;
    }
    folded[dim]++;
    return OTHER;
  };
  for (const r of rows) {
    if (r.type === "decision") {
      r.clientId = admit("client", r.clientId);
      r.tool = admit("tool", r.tool);
    } else if (r.type === "rate_limit") {
      r.clientId = admit("client", r.clientId);
    } else if (r.type === "obo_exchange") {
      r.tool = admit("downstream", r.tool); // an OBO row keeps its downstream in `tool`
    }
  }
  return folded;
}
