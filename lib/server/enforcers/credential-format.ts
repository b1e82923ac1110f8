import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Enforcer credential format: `pcl_<prefix>_<secret>`.
 * - prefix: 12 hex characters (6 random bytes), stored in clear and unique, so a lookup is one indexed read;
 * - secret: 32 random bytes, base64url. Only its SHA-256 is stored. A 256-bit random secret cannot be
 *   brute-forced, so a slow password hash would add latency to every poll and no security.
 */
const FORMAT = /^pcl_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface ParsedCredential {
  prefix: string;
  secret: string;
}

export interface NewCredentialSecret {
  /** The full credential, shown once. */
  token: string;
  prefix: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function generateCredential(): NewCredentialSecret {
  const prefix = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { token: `pcl_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseCredential(token: string): ParsedCredential | null {
  const m = FORMAT.exec(token);
  if (!m?.[1] || !m[2]) return null;
  return { prefix: m[1], secret: m[2] };
}

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
