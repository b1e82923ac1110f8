/**
 * What the audit trail may show (it is readable by viewers and exported to auditors): everything
 * except secrets. Pure (no server-only import) so the rule is unit-tested on its own.
 *
 * A field is a secret when its name *ends* in a secret-bearing word (`clientSecret`, `passwordHash`,
 * `accessToken`, `privateKey`, `api_key`), or names a private key anywhere (`privateKeyPem`). Words are
 * split at camelCase humps, `_`, `-` and `.`. Ending matters: `maxTokenLifetimeSec` and
 * `tokenRefreshPerHour` are limits *about* tokens, `secretFrom` says where the enforcer reads a secret
 * (an env variable name), `hashAlg` names an algorithm: none of them is a secret. Booleans are never
 * secrets (`mustChangePassword: true` says nothing a reader may not know).
 */
import type { DiffEntry } from "@/lib/schemas/config";
import { diffJson } from "./config/diff";

export const REDACTED = "[redacted]";

const SECRET_LAST_WORDS = new Set([
  "secret",
  "secrets",
  "password",
  "passwd",
  "passphrase",
  "hash",
  "token",
  "tokens",
  "key",
  "jwk",
  "pem",
  "credential",
  "credentials",
  "cookie",
  "otp",
  "salt",
  "authorization",
  "ciphertext",
]);
// A public key or key id is published anyway.
const PUBLIC_FIRST_WORDS = new Set(["public", "kid"]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_.\-[\]"]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether a field of this name holds a secret (see the module comment for the rule). */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  const last = w.at(-1);
  if (!last) return false;
  if (w.includes("private")) return true;
  if (PUBLIC_FIRST_WORDS.has(w[0] ?? "")) return false;
  return SECRET_LAST_WORDS.has(last);
}

const hide = (value: unknown) => (typeof value === "boolean" || value === null ? value : REDACTED);

/** Replace secret fields' values (at any depth) with "[redacted]"; dates become ISO strings. */
export function redactForAudit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? hide(v) : redactForAudit(v)]));
  }
  return value;
}

/** The path's last named segment (`tools[search].scopes` → `scopes`, `a["client_secret"]` → `client_secret`). */
function pathSegments(path: string): string[] {
  return path.split(/\.|\[|\]/).filter(Boolean);
}

/**
 * The field-level changes from `before` to `after` (path, kind, before, after), secrets redacted: a
 * changed secret still shows as changed, with neither value.
 */
export function auditChanges(before: unknown, after: unknown): DiffEntry[] {
  return diffJson(redactDates(before), redactDates(after)).map((entry) => {
    const secret = pathSegments(entry.path).some((s) => isSecretKey(s.replace(/^"|"$/g, "")));
    const side = (v: unknown) => (v === undefined ? undefined : secret ? hide(v) : redactForAudit(v));
    const out: DiffEntry = { path: entry.path, kind: entry.kind };
    if (entry.before !== undefined) out.before = side(entry.before);
    if (entry.after !== undefined) out.after = side(entry.after);
    return out;
  });
}

// Dates compare by instant, as they are stored.
const redactDates = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));
