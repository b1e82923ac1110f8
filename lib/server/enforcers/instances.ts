import "server-only";
import type { HeartbeatInput } from "@/lib/schemas/enforcers";
import { getLatestVersionNumber } from "../config/versions";
import { db } from "../db";
import type { EnforcerIdentity } from "../enforcer-auth";
import { AppError } from "../errors";

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
  const data = {
    host: input.host,
    moduleVersion: input.moduleVersion,
    appliedVersion: input.appliedVersion,
    lastError: input.lastError,
    lastSeenAt: new Date(),
  };
  await db().enforcerInstance.upsert({
    where: { id },
    create: { id, resourceId: identity.resourceId, ...data },
    update: data,
  });
  return { latestVersion: await getLatestVersionNumber(identity.resourceId) };
}

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
