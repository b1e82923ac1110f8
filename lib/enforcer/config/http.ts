/**
 * The config client's transport: one GET (the long-poll), by default on `node:http`/`node:https` with a
 * private keep-alive agent (a poll costs a fraction of a WHATWG `fetch`: no Request/Response/stream
 * objects, no AbortSignal composition), or through an injected `fetch` as given (tests, proxies, other
 * runtimes); a size-capped body reader; and the retry delay. As with telemetry (telemetry/post.ts),
 * redirects are not followed: the credential goes to the configured origin only, and a 3xx is reported
 * as a transport error.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** What the config client reads of an answer. @example if (res.status === 200) accept(res.text) */
export interface ConfigResponse {
  status: number;
  /** A response header (lower-case name), or null. */
  header(name: string): string | null;
  /** The body of a 200 (other statuses: ""), or `undefined` when it exceeds the size cap (the rest is not read). */
  text: string | undefined;
}

/**
 * One GET. Rejects on network errors, on `signal` and after `timeoutMs` (the whole exchange).
 *
 * @example const res = await get(url, { authorization: "Bearer pcl_…" }, { signal, timeoutMs: 45_000, maxBytes: 5 << 20 });
 */
export type ConfigGet = (
  url: URL,
  headers: Record<string, string>,
  opts: { signal: AbortSignal; timeoutMs: number; maxBytes: number },
) => Promise<ConfigResponse>;

/**
 * The default transport: `node:http(s)` with keep-alive (idle sockets do not keep the process alive).
 *
 * @example const get = createNodeGet(); const res = await get(new URL("https://portcullis.example.com/api/v1/enforcer/config"), headers, opts);
 */
export function createNodeGet(): ConfigGet {
  const agents = {
    "http:": new HttpAgent({ keepAlive: true, maxSockets: 2 }),
    "https:": new HttpsAgent({ keepAlive: true, maxSockets: 2 }),
  };
  return (url, headers, { signal, timeoutMs, maxBytes }) =>
    new Promise<ConfigResponse>((resolve, reject) => {
      const secure = url.protocol === "https:";
      if (!secure && url.protocol !== "http:") return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      if (signal.aborted) return reject(new Error("the config request was aborted"));
      const req = (secure ? httpsRequest : httpRequest)(url, { agent: agents[secure ? "https:" : "http:"], headers });
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      const fail = (err: Error) => {
        req.destroy(err);
        done();
        reject(err);
      };
      const onAbort = () => fail(new Error("the config request was aborted"));
      const timer = setTimeout(() => fail(new Error(`the config request timed out after ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.on("response", (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const header = (name: string) => {
          const v = res.headers[name];
          return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : null;
        };
        if (status !== 200) {
          res.resume(); // drain, so the socket returns to the agent
          res.on("end", () => {
            done();
            resolve({ status, header, text: "" });
          });
          res.on("error", fail);
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            done();
            res.destroy();
            resolve({ status, header, text: undefined });
          } else chunks.push(chunk);
        });
        res.on("end", () => {
          done();
          resolve({ status, header, text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", fail);
      });
      req.end();
    });
}

/**
 * An injected `fetch` as a {@link ConfigGet} (redirects not followed, as on the default transport).
 *
 * @example const get = fetchGet(myFetch);
 */
export function fetchGet(fetchImpl: typeof fetch): ConfigGet {
  return async (url, headers, { signal, timeoutMs, maxBytes }) => {
    const res = await fetchImpl(url, {
      headers,
      redirect: "manual",
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    const header = (name: string) => res.headers.get(name);
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return { status: res.status, header, text: "" };
    }
    return { status: res.status, header, text: await readTextLimited(res, maxBytes) };
  };
}

/**
 * The response text, or `undefined` past `max` bytes (the stream is cancelled: a hostile peer cannot fill memory).
 *
 * @example
 * const jws = await readTextLimited(res, 5 * 1024 * 1024);
 */
export async function readTextLimited(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString("utf8");
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}

/**
 * Exponential backoff with jitter after `failures` consecutive errors: uniformly random between `minMs`
 * and min(maxMs, minMs × 2^failures), so a fleet that lost the control plane does not come back in step.
 *
 * @example
 * setTimeout(retry, jitteredBackoff(3, 500, 30_000)); // somewhere in 500..4000 ms
 */
export function jitteredBackoff(failures: number, minMs: number, maxMs: number): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(failures, 16));
  return minMs + Math.random() * Math.max(0, cap - minMs);
}
