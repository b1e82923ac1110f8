import "server-only";
import { randomBytes } from "node:crypto";
import { hashSecret } from "../enforcers/credential-format";

/**
 * Admin API token format: `pcl_api_<prefix>_<secret>`, the enforcer credential's scheme
 * (credential-format.ts) under its own marker: a 12-hex prefix stored in clear and unique (one
 * indexed read), a 256-bit random secret of which only the SHA-256 is stored. The `api_` marker keeps
 * the two kinds apart: an enforcer credential never parses as an API token, and an API token never
 * parses as an enforcer credential (its prefix would have to be 12 hex characters).
 */
const FORMAT = /^pcl_api_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiTokenSecret {
  /** The full token, shown once. */
  token: string;
  prefix: string;
  secretHash: string;
}

export function generateApiToken(): NewApiTokenSecret {
  const prefix = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { token: `pcl_api_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiToken(token: string): { prefix: string; secret: string } | null {
  const m = FORMAT.exec(token);
  if (!m?.[1] || !m[2]) return null;
  return { prefix: m[1], secret: m[2] };
}

/** What lists and audit rows show instead of the token: never the secret. */
export function displayPrefix(prefix: string): string {
  return `pcl_api_${prefix}_…`;
}
