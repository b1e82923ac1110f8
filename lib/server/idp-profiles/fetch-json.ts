import "server-only";
import { secureUrlProblem } from "@/lib/schemas/idp-profiles";

/**
 * Fetch a small JSON document from an IdP on the server: https only (http only on loopback),
 * a 5 s timeout, a 1 MiB cap and redirects followed by hand so a hop to plain http is refused.
 */
export const FETCH_TIMEOUT_MS = 5_000;
export const FETCH_MAX_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

export type FetchJsonResult =
  | { ok: true; url: string; status: number; json: unknown }
  | { ok: false; url: string; error: string; kind: FetchErrorKind };
export type FetchErrorKind =
  | "insecure_url"
  | "unreachable"
  | "timeout"
  | "http_error"
  | "too_large"
  | "not_json"
  | "redirect";

export interface FetchJsonOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

export async function fetchJson(url: string, opts: FetchJsonOptions = {}): Promise<FetchJsonResult> {
  const timeoutMs = opts.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? FETCH_MAX_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const problem = secureUrlProblem(current, { allowQuery: true });
    if (problem)
      return fail(current, "insecure_url", `${hop ? "Redirected to an unacceptable URL" : "Bad URL"}: ${problem}`);
    let res: Response;
    try {
      res = await fetch(current, { redirect: "manual", signal, headers: { accept: "application/json" } });
    } catch (err) {
      if (signal.aborted) return fail(current, "timeout", `No answer within ${timeoutMs / 1000} s from ${current}.`);
      return fail(current, "unreachable", `Cannot reach ${current}: ${networkReason(err)}.`);
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get("location");
      await res.body?.cancel();
      if (!location) return fail(current, "redirect", `HTTP ${res.status} without a Location header.`);
      const next = new URL(location, current);
      // Never downgrade: an https document must not be fetched again over http, even on loopback.
      if (new URL(current).protocol === "https:" && next.protocol !== "https:")
        return fail(
          current,
          "insecure_url",
          `Refused a redirect from https to ${next.protocol.replace(":", "")} (${next.href}).`,
        );
      current = next.href;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      return fail(
        current,
        "http_error",
        `HTTP ${res.status} ${res.statusText || ""}from ${current}.`.replace("  ", " "),
      );
    }
    const body = await readCapped(res, maxBytes, signal);
    if (body === "too_large") return fail(current, "too_large", `The document is larger than ${maxBytes} bytes.`);
    if (body === "timeout")
      return fail(current, "timeout", `No complete answer within ${timeoutMs / 1000} s from ${current}.`);
    if (body === "reset") return fail(current, "unreachable", `The connection to ${current} broke while reading.`);
    try {
      return { ok: true, url: current, status: res.status, json: JSON.parse(body) };
    } catch {
      const type = res.headers.get("content-type") ?? "no content type";
      return fail(current, "not_json", `The answer is not JSON (${type}); is this the right URL?`);
    }
  }
  return fail(url, "redirect", `More than ${MAX_REDIRECTS} redirects.`);
}

const fail = (url: string, kind: FetchErrorKind, error: string): FetchJsonResult => ({ ok: false, url, kind, error });

async function readCapped(
  res: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<string | "too_large" | "timeout" | "reset"> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await res.body?.cancel();
    return "too_large";
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return "too_large";
      }
      chunks.push(value);
    }
  } catch {
    return signal.aborted ? "timeout" : "reset";
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The useful part of undici's "fetch failed" (ECONNREFUSED, ENOTFOUND, certificate errors…). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  if (cause?.code === "ENOTFOUND") return "host not found (DNS)";
  if (cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET") return "connection reset";
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return err instanceof Error ? err.message : String(err);
}
