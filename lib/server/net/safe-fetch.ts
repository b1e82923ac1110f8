import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { secureUrlProblem } from "@/lib/schemas/idp-profiles";
import { env } from "../env";

/**
 * Server-side requests to URLs an admin typed (IdP Test connection, tools import, alert webhooks):
 * the one guard against server-side request forgery (issue 10 §8). An admin with write access can
 * make the control plane fetch a URL; without this guard that URL could be the cloud metadata service
 * (169.254.169.254), a database admin page on 10.x, or any loopback port, and the answer would be
 * stored where a viewer reads it.
 *
 * What it guarantees, on every hop (the first request and each redirect):
 * - scheme: https, or http to a loopback host (secureUrlProblem); no credentials or fragment in the URL;
 * - address: the host name is resolved and EVERY address must be public: loopback, private (RFC 1918),
 *   CGNAT, link-local (cloud metadata), unique-local (fc00::/7), multicast, documentation, IPv4-mapped,
 *   NAT64, 6to4 and Teredo ranges are refused with kind `private_address`. The check runs inside the
 *   socket's own DNS lookup, so the address checked is the address connected to (no DNS rebinding
 *   between check and connect). `ALLOW_PRIVATE_NETWORK_FETCH=true` (tests, the demo, an IdP on the
 *   private network) lifts the address rule, not the scheme rule;
 * - redirects: followed by hand (at most `maxRedirects`, default 3), each target checked again; an https
 *   document is never fetched again over http; 303 (and 301/302 after POST) turn into a bodyless GET;
 * - time: one deadline (`timeoutMs`, default 5 s) for the whole exchange, body included;
 * - size: the body is cut at `maxBytes` (default 1 MiB): reading past it fails with kind `too_large`.
 * Callers must never put the upstream body, status text or headers into an error a user sees: say the
 * status and a short reason (see describeSafeFetchError). Errors are SafeFetchError with a `kind`; their
 * message carries no upstream content either.
 *
 * @example
 * const res = await safeFetch("https://login.example.com/.well-known/openid-configuration", {
 *   headers: { accept: "application/json" },
 * }, { timeoutMs: 5_000, maxBytes: 1 << 20 });
 * const doc = res.ok ? await res.json() : null; // body reads stay under maxBytes and the deadline
 *
 * @example
 * await assertPublicUrl(input.webhookUrl); // at save time: throws SafeFetchError("private_address", …)
 */
export interface SafeFetchOptions {
  /** Deadline for the whole exchange (all hops and the body). Default 5,000 ms. */
  timeoutMs?: number;
  /** Largest body read, in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Default 3. 0 refuses any redirect. */
  maxRedirects?: number;
  /** Lift the address rule. Default: ALLOW_PRIVATE_NETWORK_FETCH. */
  allowPrivate?: boolean;
  /** Addresses allowed despite the address rule (e.g. one known internal IdP); checked first. */
  allowAddress?: (address: string) => boolean;
}

export type SafeFetchErrorKind =
  | "insecure_url"
  | "private_address"
  | "unreachable"
  | "timeout"
  | "too_large"
  | "redirect";

export class SafeFetchError extends Error {
  override readonly name = "SafeFetchError";
  readonly kind: SafeFetchErrorKind;
  readonly url: string;
  constructor(kind: SafeFetchErrorKind, message: string, url: string) {
    super(message);
    this.kind = kind;
    this.url = url;
  }
}

export const SAFE_FETCH_TIMEOUT_MS = 5_000;
export const SAFE_FETCH_MAX_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

// Every range that is not the public internet (IANA special-purpose registries, RFC 6890 and successors).
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // RFC 1918
  ["100.64.0.0", 10], // CGNAT, RFC 6598
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local: cloud metadata services live here
  ["172.16.0.0", 12], // RFC 1918
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // RFC 1918
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64 (embeds IPv4)
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 32], // Teredo (embeds IPv4)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds IPv4)
  ["fc00::", 7], // unique-local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const)
  BLOCKED.addSubnet(net, prefix, "ipv6");

/** True when `address` (an IP literal) is outside the public internet. Not an IP: true (fail closed). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 0) return true;
  if (family === 4) return BLOCKED.check(bare, "ipv4");
  // IPv4-mapped (::ffff:a.b.c.d, in any spelling) reaches any IPv4 address, private ones included.
  // (Not a BlockList rule: Node's BlockList matches IPv4 addresses against a ::ffff:0:0/96 subnet.)
  if (/^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(new URL(`http://[${bare}]`).hostname)) return true;
  return BLOCKED.check(bare, "ipv6");
}

interface Policy {
  allowPrivate: boolean;
  allowAddress: ((address: string) => boolean) | undefined;
}

const policyOf = (opts: SafeFetchOptions): Policy => ({
  allowPrivate: opts.allowPrivate ?? env().ALLOW_PRIVATE_NETWORK_FETCH,
  allowAddress: opts.allowAddress,
});

const addressAllowed = (address: string, p: Policy) =>
  p.allowPrivate || p.allowAddress?.(address) === true || !isPrivateAddress(address);

function refusedAddress(host: string, address: string, url: string): SafeFetchError {
  const shown = host === address ? address : `${host} (${address})`;
  return new SafeFetchError(
    "private_address",
    `Refused ${shown}: a loopback, private, link-local or unique-local address. Set ALLOW_PRIVATE_NETWORK_FETCH=true to allow the private network.`,
    url,
  );
}

/** Scheme and shape rules, then: an IP-literal host is checked here, a name in the socket's lookup. */
function checkUrl(raw: string, p: Policy, hop: number): URL {
  const problem = secureUrlProblem(raw, { allowQuery: true });
  if (problem)
    throw new SafeFetchError(
      "insecure_url",
      `${hop ? "Redirected to an unacceptable URL" : "Bad URL"}: ${problem}`,
      raw,
    );
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !addressAllowed(host, p)) throw refusedAddress(host, host, raw);
  return url;
}

/**
 * Resolve `url`'s host and refuse it unless every address is public (or the private network is allowed).
 * For validating a URL when it is saved; safeFetch checks again when it connects.
 */
export async function assertPublicUrl(
  url: string | URL,
  opts: Pick<SafeFetchOptions, "allowPrivate" | "allowAddress"> = {},
): Promise<void> {
  const p = policyOf(opts);
  const parsed = checkUrl(String(url), p, 0);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return;
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
  ).catch((err: unknown) => {
    throw new SafeFetchError(
      "unreachable",
      `Cannot resolve ${host}: host not found (DNS${(err as { code?: string }).code ? `, ${(err as { code?: string }).code}` : ""}).`,
      String(url),
    );
  });
  for (const a of addresses) if (!addressAllowed(a.address, p)) throw refusedAddress(host, a.address, String(url));
}

/** The socket's DNS lookup: every address the name resolves to must pass, or the connection fails. */
function guardedLookup(p: Policy, url: () => string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !addressAllowed(a.address, p));
      if (bad) return callback(refusedAddress(hostname, bad.address, url()) as NodeJS.ErrnoException, "", 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The same address rule for a raw socket (syslog over TCP/TLS): pass as `lookup` to net/tls.connect.
 * An IP-literal host skips the lookup, so check it with `isHostAllowed` before connecting.
 */
export function guardedSocketLookup(target: string, opts: Pick<SafeFetchOptions, "allowPrivate"> = {}): LookupFunction {
  return guardedLookup(policyOf(opts), () => target);
}

/** An IP literal is allowed by the address rule (host names: checked in the lookup). */
export function isHostAllowed(host: string, opts: Pick<SafeFetchOptions, "allowPrivate"> = {}): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return isIP(bare) === 0 || addressAllowed(bare, policyOf(opts));
}

export interface SafeRequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
  /** "follow" (default) follows checked redirects; "manual" returns the 3xx. */
  redirect?: "follow" | "manual";
}

/**
 * fetch() with the guarantees above. Returns a standard Response whose body streams (an SSE stream
 * works) but never yields more than `maxBytes`, and errors once the deadline passes.
 */
export async function safeFetch(
  input: string | URL,
  init: SafeRequestInit = {},
  opts: SafeFetchOptions = {},
): Promise<Response> {
  const p = policyOf(opts);
  const timeoutMs = opts.timeoutMs ?? SAFE_FETCH_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? SAFE_FETCH_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? MAX_REDIRECTS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body ?? null;
  let current = String(input);
  for (let hop = 0; ; hop++) {
    const url = checkUrl(current, p, hop);
    const res = await send(url, method, new Headers(init.headers), body, signal, p, () => current, timeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && init.redirect !== "manual") {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new SafeFetchError("redirect", `HTTP ${status} without a Location header.`, current);
      if (hop >= maxRedirects)
        throw new SafeFetchError("redirect", `More than ${maxRedirects} redirects.`, String(input));
      const next = new URL(location, url);
      // Never downgrade: an https document must not be fetched again over http, even on loopback.
      if (url.protocol === "https:" && next.protocol !== "https:")
        throw new SafeFetchError(
          "insecure_url",
          `Refused a redirect from https to ${next.protocol.replace(":", "")}.`,
          current,
        );
      if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        body = null;
      }
      current = next.href;
      continue;
    }
    return toResponse(res, current, maxBytes, signal, timeoutMs);
  }
}

function send(
  url: URL,
  method: string,
  headers: Headers,
  body: string | Uint8Array | null,
  signal: AbortSignal,
  p: Policy,
  current: () => string,
  timeoutMs: number,
): Promise<IncomingMessage> {
  const outgoing: Record<string, string> = {};
  headers.forEach((v, k) => {
    outgoing[k] = v;
  });
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal, url.href, timeoutMs));
    const req = request(url, { method, headers: outgoing, lookup: guardedLookup(p, current), signal }, resolve);
    req.on("error", (err) => reject(toSafeError(err, signal, url.href, timeoutMs)));
    if (body !== null) req.end(body);
    else req.end();
  });
}

function toResponse(
  res: IncomingMessage,
  url: string,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const status = res.statusCode ?? 502;
  const declared = Number(headers.get("content-length") ?? "0");
  let size = 0;
  let done = false;
  const capped = new ReadableStream<Uint8Array>({
    start(controller) {
      const onAbort = () => res.destroy(abortError(signal, url, timeoutMs));
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        signal.removeEventListener("abort", onAbort);
        settle();
      };
      const tooLarge = () => new SafeFetchError("too_large", `The answer is larger than ${maxBytes} bytes.`, url);
      if (declared > maxBytes) {
        res.destroy();
        return finish(() => controller.error(tooLarge()));
      }
      signal.addEventListener("abort", onAbort, { once: true });
      res.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.byteLength;
        if (size > maxBytes) {
          res.destroy();
          return finish(() => controller.error(tooLarge()));
        }
        controller.enqueue(new Uint8Array(chunk));
      });
      res.on("end", () => finish(() => controller.close()));
      res.on("error", (err) => finish(() => controller.error(toSafeError(err, signal, url, timeoutMs))));
      res.on("close", () => finish(() => controller.error(toSafeError(new Error("closed"), signal, url, timeoutMs))));
    },
    cancel() {
      done = true;
      res.destroy();
    },
  });
  const nullBody = status === 204 || status === 304 || (status >= 300 && status < 400 && declared === 0);
  if (nullBody) res.resume();
  const response = new Response(nullBody ? null : capped, { status, headers });
  Object.defineProperty(response, "url", { value: url });
  return response;
}

function abortError(signal: AbortSignal, url: string, timeoutMs: number): Error {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason?.name === "TimeoutError")
    return new SafeFetchError("timeout", `No answer within ${timeoutMs / 1000} s from ${url}.`, url);
  return (signal.reason as Error) ?? new Error("aborted");
}

/** Node's TLS verification codes, in words (issue 13 #11: Test connection names the real cause). */
const TLS_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "a self-signed certificate is in the chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate chain is incomplete or untrusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the certificate's issuer is not trusted here",
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate is for another host name",
  ERR_SSL_WRONG_VERSION_NUMBER: "the server did not answer with TLS (is it plain http?)",
  EPROTO: "the TLS handshake failed",
};

function toSafeError(err: unknown, signal: AbortSignal, url: string, timeoutMs: number): Error {
  if (err instanceof SafeFetchError) return err;
  if (signal.aborted) return abortError(signal, url, timeoutMs);
  const code = (err as { code?: string }).code;
  const why =
    code === "ECONNREFUSED"
      ? "connection refused"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "host not found (DNS)"
        : code === "ECONNRESET"
          ? "connection reset"
          : code && TLS_ERRORS[code]
            ? `TLS error: ${TLS_ERRORS[code]} (${code})`
            : code
              ? code
              : "network error";
  return new SafeFetchError("unreachable", `Cannot reach ${url}: ${why}.`, url);
}
