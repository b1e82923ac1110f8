import "server-only";
import { db } from "../db";
import { instanceKey } from "../enforcers/instances";
import { isUniqueViolation } from "../errors";
import { MAX_INSTANCES_PER_RESOURCE } from "./cardinality";
import { recordFolded } from "./fleet-metrics";
import type { WireInstance } from "./wire";

/**
 * Telemetry batches double as heartbeats (ARCHITECTURE.md flow 5), so an enforcer that runs on a
 * static policy, without the config client, still shows up online. The config heartbeat
 * (lib/server/enforcers/instances.ts) owns the full row; here we only create a missing row and
 * refresh `lastSeenAt`, at most every 15 s per instance so ingest does not write it per batch.
 */
const TOUCH_EVERY_MS = 15_000;
const globalTouched = globalThis as unknown as { portcullisInstanceTouches?: Map<string, number> };

export async function touchInstance(resourceId: string, instance: WireInstance, now = Date.now()): Promise<void> {
  globalTouched.portcullisInstanceTouches ??= new Map();
  const touched = globalTouched.portcullisInstanceTouches;
  const id = instanceKey(resourceId, instance.id);
  if (now - (touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
  if (touched.size > 10_000) touched.clear(); // bounded: ids are chosen by enforcers
  touched.set(id, now);
  const lastSeenAt = new Date(now);
  const updated = await db().enforcerInstance.updateMany({ where: { id, resourceId }, data: { lastSeenAt } });
  if (updated.count > 0) return;
  // Issue 10 #12: instance ids are chosen by the sender; a credential must not fill the fleet view with ghosts.
  if ((await db().enforcerInstance.count({ where: { resourceId } })) >= MAX_INSTANCES_PER_RESOURCE) {
    recordFolded(resourceId, { instance: 1 });
    return;
  }
  try {
    await db().enforcerInstance.create({
      data: { id, resourceId, host: instance.host, moduleVersion: instance.moduleVersion, lastSeenAt },
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // a concurrent heartbeat created it first
  }
}
