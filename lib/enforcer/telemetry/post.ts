/**
 * How a telemetry batch is POSTed. The default uses `node:http`/`node:https` with one keep-alive
 * connection: a batch costs a fraction of what a WHATWG `fetch` costs (stream, AbortSignal and
 * Response objects per call), and that CPU is spent on the same event loop as the requests the
 * enforcer guards. An injected `fetch` (tests, proxies, other runtimes) is used as given.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** The answer that matters to the retry policy: the status (0 = none) and `Retry-After`. */
export interface PostResult {
  status: number;
  retryAfter: string | null;
}

/**
 * Sends one body; resolves with the status, rejects on network errors and timeouts.
 *
 * @example
 * const post: TelemetryPost = createNodePost("https://portcullis.example.com/api/v1/telemetry");
 * const { status } = await post({ authorization: "Bearer pcl_…" }, body, 10_000);
 */
export type TelemetryPost = (
  headers: Record<string, string>,
  body: Uint8Array | string,
  timeoutMs: number,
) => Promise<PostResult>;

/**
 * A `node:http(s)` poster with a private keep-alive agent (one socket; idle sockets do not keep
 * the process alive). Redirects are not followed: a 3xx means a wrong URL and is retried and reported.
 *
 * @example
 * const post = createNodePost("http://127.0.0.1:3000/api/v1/telemetry");
 */
export function createNodePost(url: string): TelemetryPost {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 1 })
    : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const send = secure ? httpsRequest : httpRequest;
  return (headers, body, timeoutMs) =>
    new Promise<PostResult>((resolve, reject) => {
      const req = send(target, {
        method: "POST",
        agent,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`telemetry request timed out after ${timeoutMs} ms`)));
      req.on("error", reject);
      req.on("response", (res) => {
        const retryAfter = res.headers["retry-after"];
        res.resume(); // drain, so the socket returns to the agent
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === "string" ? retryAfter : null }),
        );
        res.on("error", reject);
      });
      req.end(body);
    });
}

/**
 * Adapts a `fetch` implementation to {@link TelemetryPost}.
 *
 * @example
 * const post = fetchPost(globalThis.fetch, "https://portcullis.example.com/api/v1/telemetry");
 */
export function fetchPost(fetchImpl: typeof fetch, url: string): TelemetryPost {
  return async (headers, body, timeoutMs) => {
    const res = await fetchImpl(url, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : new Uint8Array(body), // BodyInit wants an ArrayBuffer-backed view
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const retryAfter = res.headers.get("retry-after");
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status, retryAfter };
  };
}
