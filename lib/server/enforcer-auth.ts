import "server-only";
import { db } from "./db";
import { classifyDbFault } from "./db-faults";
import { parseCredential, secretMatches } from "./enforcers/credential-format";
import { enforcerAuthRejected } from "./enforcers/metrics";
import { AppError } from "./errors";

export interface EnforcerIdentity {
  credentialId: string;
  resourceId: string;
}

// lastUsedAt is informative (fleet view); writing it on every long-poll would turn reads into writes.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Refuses an enforcer request with the one 401 every reason shares, counting the reason. */
export function rejectEnforcer(reason: "missing" | "malformed" | "unknown" | "revoked" | "expired"): never {
  enforcerAuthRejected.inc({ reason });
  // One message for every reason: an attacker learns nothing about which prefixes exist.
  throw new AppError("unauthorized", "A valid enforcer credential is required (Authorization: Bearer pcl_…).");
}

/**
 * Authenticate an enforcer by its bearer credential (`Authorization: Bearer pcl_<prefix>_<secret>`).
 * Throws AppError("unauthorized") for a missing, malformed, unknown, revoked or expired credential,
 * and counts each rejection by reason. The credential row is released before returning: callers that
 * long-poll hold no database connection while they wait.
 */
export async function authenticateEnforcer(request: {
  headers: { get(name: string): string | null };
}): Promise<EnforcerIdentity> {
  const header = request.headers.get("authorization") ?? "";
  // RFC 6750 §2.1: the scheme is case-insensitive, one space, then the token.
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match?.[1]) rejectEnforcer("missing");
  const parsed = parseCredential(match[1]);
  if (!parsed) rejectEnforcer("malformed");
  const row = await credentialByPrefix(parsed.prefix);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) rejectEnforcer("unknown");
  const now = Date.now();
  if (row.revokedAt) rejectEnforcer("revoked");
  if (row.expiresAt && row.expiresAt.getTime() <= now) rejectEnforcer("expired");
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional update: concurrent polls of the same credential write at most once per minute.
    // Best effort: on a full disk, config is still served (a read) even though this write fails.
    await db()
      .enforcerCredential.updateMany({
        where: {
          id: row.id,
          OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_RESOLUTION_MS) } }],
        },
        data: { lastUsedAt: new Date(now) },
      })
      .catch((err: unknown) => {
        if (classifyDbFault(err) !== "storage_full") throw err;
      });
  }
  return { credentialId: row.id, resourceId: row.resourceId };
}

const credentialSelect = {
  id: true,
  resourceId: true,
  prefix: true,
  secretHash: true,
  revokedAt: true,
  expiresAt: true,
  lastUsedAt: true,
} as const;
type CredentialRow = {
  id: string;
  resourceId: string;
  prefix: string;
  secretHash: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
};
let pending = new Map<string, { resolve: (row: CredentialRow | null) => void; reject: (err: unknown) => void }[]>();

/**
 * The credential row of `prefix`, read fresh from the database, but together with every other lookup of
 * the same event-loop turn (issue 17): after a publish, the whole fleet re-polls within milliseconds, and
 * one `findMany` serves them all instead of one query per enforcer. Nothing is cached between turns.
 */
function credentialByPrefix(prefix: string): Promise<CredentialRow | null> {
  return new Promise((resolve, reject) => {
    if (pending.size === 0) setImmediate(lookUpPending);
    const waiting = pending.get(prefix) ?? [];
    waiting.push({ resolve, reject });
    pending.set(prefix, waiting);
  });
}

async function lookUpPending(): Promise<void> {
  const batch = pending;
  pending = new Map();
  try {
    const rows = await db().enforcerCredential.findMany({
      where: { prefix: { in: [...batch.keys()] } },
      select: credentialSelect,
    });
    const byPrefix = new Map(rows.map((r) => [r.prefix, r]));
    for (const [prefix, waiting] of batch) for (const w of waiting) w.resolve(byPrefix.get(prefix) ?? null);
  } catch (err) {
    for (const waiting of batch.values()) for (const w of waiting) w.reject(err);
  }
}
