import "server-only";
import { AppError } from "../errors";

/**
 * CSRF defence for cookie-authenticated route handlers (issue 10 §1).
 *
 * A browser attaches the session cookie to any request to our host, including one a page on another
 * origin makes (another port of the same host or a sibling subdomain is "same-site", so SameSite=Lax
 * does not stop it). What a browser cannot forge is `Origin` and `Sec-Fetch-Site`, so every unsafe
 * method on a cookie-authenticated route must prove it comes from our own origin:
 * - `Origin` present: it must equal the configured origin (NEXTAUTH_URL) exactly;
 * - `Origin` absent: `Sec-Fetch-Site` must be `same-origin`;
 * - neither present: not a browser made the request (every browser since 2020 sends at least one on
 *   an unsafe method; Go's net/http CrossOriginProtection makes the same call), so there is no ambient
 *   cookie to abuse. It is still refused (415) when it carries a Content-Type a cross-site HTML form
 *   could send (urlencoded, multipart, text/plain), which covers the oldest browsers, bodyless routes
 *   included.
 * A request authenticated by a Bearer API token (issue 14) carries no ambient credential: its route
 * passes `credential: "bearer"` and skips this check.
 */
export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type CredentialKind = "cookie" | "bearer";

export interface CrossOriginVerdict {
  ok: boolean;
  /** Why it was refused (for the log and the message); null when allowed. */
  reason: string | null;
  /** 403 for a browser's cross-origin request; 415 for a form media type with no browser headers. */
  code?: "forbidden" | "unsupported_media_type";
}

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

/** Pure decision, for tests and for the wrapper below. `expectedOrigin` is e.g. `https://portcullis.example.com`. */
export function checkCrossOrigin(
  method: string,
  headers: Headers,
  expectedOrigin: string,
  credential: CredentialKind = "cookie",
): CrossOriginVerdict {
  if (credential === "bearer" || SAFE_METHODS.has(method.toUpperCase())) return { ok: true, reason: null };
  const origin = headers.get("origin");
  const site = headers.get("sec-fetch-site");
  if (origin !== null) {
    // "null" (sandboxed frames, some redirects) never matches a configured origin.
    if (origin === expectedOrigin) return { ok: true, reason: null };
    return { ok: false, reason: `Origin ${truncate(origin)} is not ${expectedOrigin}` };
  }
  if (site !== null) {
    if (site === "same-origin") return { ok: true, reason: null };
    return { ok: false, reason: `Sec-Fetch-Site is ${truncate(site)}, not same-origin` };
  }
  const essence = mediaTypeEssence(headers.get("content-type"));
  // To a non-browser client this is simply the wrong media type, so it hears 415, not a CSRF story.
  if (essence !== null && FORM_TYPES.has(essence))
    return { ok: false, reason: `no Origin or Sec-Fetch-Site on a ${essence} body`, code: "unsupported_media_type" };
  return { ok: true, reason: null };
}

/** Throws 403 `forbidden` (or 415, see above) with a message that names the fix. */
export function assertSameOrigin(verdict: CrossOriginVerdict, expectedOrigin: string): void {
  if (verdict.ok) return;
  if (verdict.code === "unsupported_media_type")
    throw new AppError(
      "unsupported_media_type",
      "Send Content-Type: application/json (or no body), or call this API from the dashboard's origin.",
    );
  throw new AppError(
    "forbidden",
    `Cross-origin request refused (${verdict.reason}). Call this API from ${expectedOrigin}, or send an Origin header equal to it.`,
  );
}

/**
 * The media type's essence (RFC 9110 §8.3.1: type "/" subtype, case-insensitive, parameters dropped),
 * or null when there is no Content-Type. `text/plain; application/json` is `text/plain`.
 */
export function mediaTypeEssence(value: string | null): string | null {
  if (value === null) return null;
  const essence = value.split(";")[0]?.trim().toLowerCase() ?? "";
  return essence;
}

const truncate = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
