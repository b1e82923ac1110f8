import "server-only";
import type { HeartbeatInput } from "@/lib/schemas/enforcers";
import { getLatestVersionNumber } from "../config/versions";
import { db } from "../db";
import type { EnforcerIdentity } from "../enforcer-auth";
import { AppError } from "../errors";
import { insertFromJson, type JsonColumn, q } from "../telemetry/sql";

/**
 * The fleet: enforcer instances as their heartbeats describe them. Instance ids are chosen by the
 * enforcers, so the stored key is scoped by resource (`<resourceId>/<instanceId>`): two resources'
 * enforcers may both call themselves "web-1" without overwriting each other.
 */
export const SILENT_AFTER_MS = 2 * 60_000;

export interface InstanceDto {
  instanceId: string;
  host: string;
  moduleVersion: string;
  appliedVersion: number | null;
  lastError: string | null;
  startedAt: string;
  lastSeenAt: string;
  outdated: boolean;
  silent: boolean;
}

export const instanceKey = (resourceId: string, instanceId: string) => `${resourceId}/${instanceId}`;

export async function recordHeartbeat(
  identity: EnforcerIdentity,
  input: HeartbeatInput,
): Promise<{ latestVersion: number | null }> {
  const id = instanceKey(identity.resourceId, input.instanceId);
  const now = Date.now();
  // Prisma's `upsert` (as the other writes here) compiles its query for every call, about 0.8 ms of CPU, more than
  // the write; a fleet sends one heartbeat per enforcer every 30 s. The same insert-or-update as one statement:
  // `startedAt` only when the row is new, everything else from this heartbeat.
  const { sql, values } = insertFromJson("EnforcerInstance", HEARTBEAT_COLUMNS, [
    [id, identity.resourceId, input.host, input.moduleVersion, input.appliedVersion, input.lastError, now, now],
  ]);
  await db().$executeRawUnsafe(`${sql} ON CONFLICT (${q("id")}) DO UPDATE SET ${HEARTBEAT_UPDATE}`, ...values);
  return { latestVersion: await getLatestVersionNumber(identity.resourceId) };
}

const HEARTBEAT_COLUMNS: JsonColumn[] = [
  { name: "id", pg: "text" },
  { name: "resourceId", pg: "text" },
  { name: "host", pg: "text" },
  { name: "moduleVersion", pg: "text" },
  { name: "appliedVersion", pg: "int" },
  { name: "lastError", pg: "text" },
  { name: "startedAt", epochMs: true },
  { name: "lastSeenAt", epochMs: true },
];
const HEARTBEAT_UPDATE = ["host", "moduleVersion", "appliedVersion", "lastError", "lastSeenAt"]
  .map((c) => `${q(c)} = excluded.${q(c)}`)
  .join(", ");

/** Instances of a resource, most recently seen first, marked outdated (behind the latest version) or silent (> 2 min). */
export async function listInstances(resourceId: string, now = Date.now()): Promise<InstanceDto[]> {
  const resource = await db().mcpResource.findUnique({ where: { id: resourceId }, select: { id: true } });
  if (!resource) throw new AppError("not_found", "No such resource.");
  const [rows, latest] = await Promise.all([
    db().enforcerInstance.findMany({ where: { resourceId }, orderBy: { lastSeenAt: "desc" }, take: 500 }),
    getLatestVersionNumber(resourceId),
  ]);
  const prefix = `${resourceId}/`;
  return rows.map((r) => ({
    instanceId: r.id.startsWith(prefix) ? r.id.slice(prefix.length) : r.id,
    host: r.host,
    moduleVersion: r.moduleVersion,
    appliedVersion: r.appliedVersion,
    lastError: r.lastError,
    startedAt: r.startedAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    outdated: latest !== null && (r.appliedVersion === null || r.appliedVersion < latest),
    silent: now - r.lastSeenAt.getTime() > SILENT_AFTER_MS,
  }));
}
