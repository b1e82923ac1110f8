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

function reject(reason: "missing" | "malformed" | "unknown" | "revoked" | "expired"): never {
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
export async function authenticateEnforcer(request: Request): Promise<EnforcerIdentity> {
  const header = request.headers.get("authorization") ?? "";
  // RFC 6750 §2.1: the scheme is case-insensitive, one space, then the token.
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match?.[1]) reject("missing");
  const parsed = parseCredential(match[1]);
  if (!parsed) reject("malformed");
  const row = await db().enforcerCredential.findUnique({
    where: { prefix: parsed.prefix },
    select: { id: true, resourceId: true, secretHash: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
  });
  if (!row || !secretMatches(parsed.secret, row.secretHash)) reject("unknown");
  const now = Date.now();
  if (row.revokedAt) reject("revoked");
  if (row.expiresAt && row.expiresAt.getTime() <= now) reject("expired");
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
