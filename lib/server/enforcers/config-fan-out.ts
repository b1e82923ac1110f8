import "server-only";
import { getLatestSigned, type LatestSigned } from "../config/versions";
import { db } from "../db";
import { configGeneration } from "./notifier";

/**
 * What a publish costs the control plane per waiting enforcer (issue 17). A publish wakes every
 * long-poll of the resource at once; without sharing, each waiter then made its own database reads
 * (the latest bundle, its credential), so a publish cost O(waiters) reads. Here:
 *
 * - **One read of the latest bundle per wake-up**: waiters (and re-polls) that subscribed at the same
 *   wake-up generation share one read of their resource, in flight or finished. A read is only shared
 *   with waiters whose generation is the one it began at, i.e. that saw no wake-up since it began: a
 *   publish that committed after the read began notifies them later (it cannot have notified before
 *   the read began), so they are woken again, exactly as with a read of their own.
 * - **One credential check per wake-up**: every woken waiter's credential is checked again (revoked,
 *   expired or deleted while it waited), in one query for all the waiters of that moment.
 * The bundle itself is one string shared by every response (`jws`); the signed latest-version
 * announcement is signed once per resource and version (config/announce.ts).
 */
const reads = new Map<string, { generation: number; read: Promise<LatestSigned | null> }>();

/** Database reads made so far by the fan-out (diagnostics and tests): they grow per publish, not per waiter. */
export const fanOutReads = { latest: 0, credentials: 0 };

/** The latest bundle of `resourceId`, shared with other waiters of the same generation (see above). */
export function sharedLatest(resourceId: string, generation: number): Promise<LatestSigned | null> {
  const current = reads.get(resourceId);
  // Finished reads are shared too: a read that began at this generation is as good for this waiter as
  // one of its own (a publish it missed wakes the waiter, as the generation has not moved since).
  if (current && current.generation === generation && generation === configGeneration()) return current.read;
  fanOutReads.latest++;
  const entry = { generation, read: getLatestSigned(resourceId) };
  reads.set(resourceId, entry);
  // A failed read is not shared: the next waiter reads again.
  entry.read.catch(() => {
    if (reads.get(resourceId) === entry) reads.delete(resourceId);
  });
  return entry.read;
}

export type CredentialState = "valid" | "revoked" | "expired" | "unknown";
let batch = new Map<string, ((state: CredentialState) => void)[]>();
let failures: ((err: unknown) => void)[] = [];

/**
 * Whether a credential a waiter authenticated with is still good, checked together with every other
 * check asked for in the same event-loop turn (one `findMany` for all of them).
 */
export function recheckCredential(credentialId: string): Promise<CredentialState> {
  return new Promise((resolve, reject) => {
    if (batch.size === 0) setImmediate(flush);
    const waiting = batch.get(credentialId) ?? [];
    waiting.push(resolve);
    batch.set(credentialId, waiting);
    failures.push(reject);
  });
}

async function flush(): Promise<void> {
  const mine = batch;
  const rejects = failures;
  batch = new Map();
  failures = [];
  try {
    fanOutReads.credentials++;
    const rows = await db().enforcerCredential.findMany({
      where: { id: { in: [...mine.keys()] } },
      select: { id: true, revokedAt: true, expiresAt: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const now = Date.now();
    for (const [id, waiting] of mine) {
      const row = byId.get(id);
      const state: CredentialState = !row
        ? "unknown"
        : row.revokedAt
          ? "revoked"
          : row.expiresAt && row.expiresAt.getTime() <= now
            ? "expired"
            : "valid";
      for (const resolve of waiting) resolve(state);
    }
  } catch (err) {
    for (const reject of rejects) reject(err);
  }
}
