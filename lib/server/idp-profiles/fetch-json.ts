import "server-only";
import { SafeFetchError, type SafeFetchErrorKind, safeFetch } from "../net/safe-fetch";

/**
 * Fetch a small JSON document from an IdP on the server, through safeFetch (lib/server/net): https only
 * (http only on loopback), public addresses only unless ALLOW_PRIVATE_NETWORK_FETCH, every redirect
 * checked again, a 5 s deadline and a 1 MiB cap. Errors name the status and a short reason, never the
 * upstream body or status text: the result is stored on the profile, where viewers read it.
 */
export const FETCH_TIMEOUT_MS = 5_000;
export const FETCH_MAX_BYTES = 1024 * 1024;

export type FetchJsonResult =
  | { ok: true; url: string; status: number; json: unknown }
  | { ok: false; url: string; error: string; kind: FetchErrorKind };
export type FetchErrorKind = SafeFetchErrorKind | "http_error" | "not_json";

export interface FetchJsonOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Override ALLOW_PRIVATE_NETWORK_FETCH (tests). */
  allowPrivate?: boolean;
}

export async function fetchJson(url: string, opts: FetchJsonOptions = {}): Promise<FetchJsonResult> {
  const timeoutMs = opts.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? FETCH_MAX_BYTES;
  try {
    const res = await safeFetch(
      url,
      { headers: { accept: "application/json" } },
      { timeoutMs, maxBytes, ...(opts.allowPrivate === undefined ? {} : { allowPrivate: opts.allowPrivate }) },
    );
    const at = res.url || url;
    if (!res.ok) {
      await res.body?.cancel();
      return fail(at, "http_error", `HTTP ${res.status} from ${at}.`);
    }
    const body = await res.text();
    try {
      return { ok: true, url: at, status: res.status, json: JSON.parse(body) };
    } catch {
      // The media type only (a short token), never the body.
      const type = /^[\w.+-]+\/[\w.+-]+/.exec(res.headers.get("content-type") ?? "")?.[0] ?? "no content type";
      return fail(at, "not_json", `The answer is not JSON (${type}); is this the right URL?`);
    }
  } catch (err) {
    if (err instanceof SafeFetchError) return fail(err.url, err.kind, err.message);
    // A body stream cut by the cap or the deadline surfaces as a TypeError whose cause is ours.
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof SafeFetchError) return fail(cause.url, cause.kind, cause.message);
    return fail(url, "unreachable", `Cannot reach ${url}.`);
  }
}

const fail = (url: string, kind: FetchErrorKind, error: string): FetchJsonResult => ({ ok: false, url, kind, error });
