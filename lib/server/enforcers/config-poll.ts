import "server-only";
import { randomUUID } from "node:crypto";
import { announceLatest, LATEST_VERSION_HEADER } from "../config/announce";
import type { LatestSigned } from "../config/versions";
import { authenticateEnforcer, rejectEnforcer } from "../enforcer-auth";
import { AppError, toAppError } from "../errors";
import { log } from "../log";
import { recheckCredential, sharedLatest } from "./config-fan-out";
import { configPolls } from "./metrics";
import { configGeneration, subscribeConfigChanges } from "./notifier";

/**
 * `GET /api/v1/enforcer/config`: the latest signed bundle of the credential's resource.
 * - 200 `application/jose` (RFC 7515 §9.2.1: the compact JWS itself), `ETag: "v<n>-<hash>"`,
 *   `X-Portcullis-Config-Version: <n>`.
 * - With `If-None-Match` equal to the current ETag: long-poll (RFC 9110 §13.1.2 semantics held open):
 *   answers 304 after `?wait=` seconds (default 30, max 60), or 200 with the new bundle as soon as one
 *   is published. No database connection is held while waiting.
 * - 404 `not_found` while nothing is published; 401 for a missing/unknown/revoked/expired credential.
 */
export const DEFAULT_WAIT_SEC = 30;
export const MAX_WAIT_SEC = 60;
/** Long-polls one credential may hold at once (issue 10 #14): a leaked credential cannot pin the server's sockets. */
export const MAX_LONG_POLLS_PER_CREDENTIAL = 50;
const longPolls = new Map<string, number>();

/** Long-polls the credential holds now (tests, diagnostics). */
export function longPollsHeld(credentialId: string): number {
  return longPolls.get(credentialId) ?? 0;
}

/** Takes one long-poll slot of the credential, or refuses with 429 when all are held. */
function holdLongPoll(credentialId: string): () => void {
  const held = longPolls.get(credentialId) ?? 0;
  if (held >= MAX_LONG_POLLS_PER_CREDENTIAL) {
    throw new AppError(
      "rate_limited",
      `This credential already holds ${MAX_LONG_POLLS_PER_CREDENTIAL} config long-polls; an enforcer needs one.`,
      { retryAfterSec: 5 },
    );
  }
  longPolls.set(credentialId, held + 1);
  return () => {
    const left = (longPolls.get(credentialId) ?? 1) - 1;
    if (left > 0) longPolls.set(credentialId, left);
    else longPolls.delete(credentialId);
  };
}

function parseWait(value: string | null): number {
  if (value === null || value === "") return DEFAULT_WAIT_SEC;
  if (!/^\d{1,3}$/.test(value)) throw new AppError("bad_request", "wait must be a whole number of seconds (0-60).");
  return Math.min(Number(value), MAX_WAIT_SEC);
}

/** RFC 9110 §13.1.2: a list of entity tags or `*`; weak comparison (W/ ignored). */
function ifNoneMatch(header: string | null): ((etag: string) => boolean) | null {
  if (!header?.trim()) return null;
  if (header.trim() === "*") return () => true;
  const tags = new Set(header.split(",").map((t) => t.trim().replace(/^W\//, "")));
  return (etag) => tags.has(etag);
}

/**
 * no-transform: a signed bundle is passed on byte for byte, and the server's response compression skips it (the
 * `compression` middleware honours it). Compressing the same bundle again for every waiter of a publish was
 * per-waiter work on the control plane and per-bundle work on every enforcer (issue 17).
 */
const baseHeaders = { "cache-control": "no-store, no-transform", vary: "authorization" };

/**
 * What the config API answers, before any transport: the Next route turns it into a `Response`
 * (`toResponse`), the server's direct path (config-poll-node.ts) writes it to the socket.
 */
export interface ConfigReply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** The parts of a request the config API reads: a Fetch `Request` has them, and so does config-poll-node.ts's. */
export interface ConfigRequest {
  url: string;
  headers: { get(name: string): string | null };
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

async function bundleReply(latest: LatestSigned, resourceId: string): Promise<ConfigReply> {
  configPolls.inc({ status: "200" });
  return {
    status: 200,
    headers: {
      ...baseHeaders,
      "content-type": "application/jose",
      etag: latest.etag,
      "x-portcullis-config-version": String(latest.version),
      // Issue 10 #6: signed now, so an old bundle replayed to a fresh enforcer is refused (config/announce.ts).
      [LATEST_VERSION_HEADER]: await announceLatest(resourceId, latest.version),
    },
    body: latest.jws,
  };
}

function notModified(latest: LatestSigned): ConfigReply {
  configPolls.inc({ status: "304" });
  return { status: 304, headers: { ...baseHeaders, etag: latest.etag }, body: null };
}

/** A reply as a Fetch response (the route handlers). */
export function toResponse(reply: ConfigReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/** Resolves true on a wake-up, false on timeout or when the client went away. */
function waitForWake(changed: Promise<void>, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => finish(false), ms);
    const onAbort = () => finish(false);
    function finish(woke: boolean) {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(woke);
    }
    signal.addEventListener("abort", onAbort, { once: true });
    changed.then(() => finish(true));
  });
}

/** The config API (see the top of this file); errors are thrown (`enforcerErrorReply` maps them). */
export async function serveConfig(request: ConfigRequest): Promise<ConfigReply> {
  const identity = await authenticateEnforcer(request);
  const wait = parseWait(new URL(request.url).searchParams.get("wait"));
  const matches = ifNoneMatch(request.headers.get("if-none-match"));
  const deadline = Date.now() + wait * 1000;
  let release: (() => void) | undefined;
  try {
    return await pollLoop(request, identity, matches, deadline, (id) => {
      release ??= holdLongPoll(id);
    });
  } finally {
    release?.();
  }
}

async function pollLoop(
  request: ConfigRequest,
  identity: { credentialId: string; resourceId: string },
  matches: ((etag: string) => boolean) | null,
  deadline: number,
  hold: (credentialId: string) => void,
): Promise<ConfigReply> {
  for (;;) {
    // Subscribe first, then read: a publish between the two still wakes us.
    const subscription = subscribeConfigChanges(identity.resourceId);
    const generation = configGeneration();
    try {
      // Shared with the other waiters woken by the same publish (config-fan-out.ts): one read, not one each.
      const latest = await sharedLatest(identity.resourceId, generation);
      if (!latest) {
        configPolls.inc({ status: "404" });
        throw new AppError("not_found", "No config version has been published for this resource yet.");
      }
      if (!matches?.(latest.etag)) return await bundleReply(latest, identity.resourceId);
      const remaining = deadline - Date.now();
      if (remaining <= 0) return notModified(latest);
      hold(identity.credentialId);
      if (!(await waitForWake(subscription.changed, remaining, request.signal))) return notModified(latest);
      // Issue 10 #14: the credential may have been revoked (or rotated away) while this request waited;
      // checked again for every waiter, in one query per wake-up (config-fan-out.ts).
      const still = await recheckCredential(identity.credentialId);
      if (still !== "valid") rejectEnforcer(still);
    } finally {
      subscription.close();
    }
  }
}

/**
 * Error mapping for the enforcer routes: the admin API's body shape, without its session plumbing
 * (these routes authenticate machines, and stay importable outside Next for the multi-process tests).
 */
export function enforcerErrorReply(err: unknown, requestId: string | null): ConfigReply {
  const appError = toAppError(err);
  const id = requestId ?? randomUUID();
  if (appError.code === "internal")
    log.error({ requestId: id, err: err instanceof Error ? err.message : String(err) }, "enforcer route failed");
  else if (appError.status === 503)
    log.warn(
      { requestId: id, code: appError.code, err: err instanceof Error ? err.message : String(err) },
      "storage fault",
    );
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
  // database_unavailable / storage_full: the enforcer keeps its bundle and its telemetry, and retries then.
  if (appError.retryAfterSec !== undefined) headers["retry-after"] = String(appError.retryAfterSec);
  // RFC 6750 §3: a 401 names the scheme and the error.
  if (appError.status === 401) headers["www-authenticate"] = 'Bearer realm="portcullis", error="invalid_token"';
  const body = {
    error: {
      code: appError.code,
      message: appError.message,
      requestId: id,
      ...(appError.fieldErrors ? { fields: appError.fieldErrors } : {}),
    },
  };
  return { status: appError.status, headers, body: JSON.stringify(body) };
}

/** `enforcerErrorReply` as a Fetch response (the route handlers). */
export function enforcerErrorResponse(err: unknown, request: Request): Response {
  return toResponse(enforcerErrorReply(err, request.headers.get("x-request-id")));
}
