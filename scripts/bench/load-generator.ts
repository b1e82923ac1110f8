/**
 * A small closed-loop HTTP/1.1 keep-alive load generator (no wrk on these machines).
 * Raw `net` sockets and prebuilt request bytes, so the generator costs far less per
 * request than the servers it measures (node:http's client would be the bottleneck).
 * Each connection sends one request, waits for the whole response, sends the next.
 */
import { connect, type Socket } from "node:net";

export interface LoadOptions {
  port: number;
  host?: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Prebuilt raw requests, used round-robin across all connections. */
  requests: Buffer[];
  /** A response header (lower case) whose value sorts the latencies into `byTag`. */
  tagHeader?: string;
}

export interface LoadResult {
  requests: number;
  non2xx: number;
  socketErrors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  firstStatus: number;
  /** Latencies (ms) by the value of `tagHeader`, when one was given. */
  byTag?: Map<string, number[]>;
}

/** Builds raw request bytes: `POST path` with a JSON body and the given headers. */
export function buildRequest(path: string, headers: Record<string, string>, body: string): Buffer {
  const head = [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: keep-alive"];
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  head.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
}

const HEADER_END = Buffer.from("\r\n\r\n");
const CHUNKED_END = Buffer.from("\r\n0\r\n\r\n");

/** Length of the first complete response in `buf`, or -1 when more bytes are needed. */
function responseLength(buf: Buffer): number {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd === -1) return -1;
  const head = buf.toString("latin1", 0, headerEnd).toLowerCase();
  const cl = /\r\ncontent-length: *(\d+)/.exec(head);
  if (cl?.[1] !== undefined) {
    const total = headerEnd + 4 + Number(cl[1]);
    return buf.length >= total ? total : -1;
  }
  if (head.includes("transfer-encoding: chunked")) {
    const end = buf.indexOf(CHUNKED_END, headerEnd);
    return end === -1 ? -1 : end + CHUNKED_END.length;
  }
  return headerEnd + 4; // no body (e.g. 204)
}

/** Runs the load and returns throughput and latency of the measured period (warm-up excluded). */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const byTag = opts.tagHeader === undefined ? undefined : new Map<string, number[]>();
  const tagPattern = opts.tagHeader === undefined ? undefined : new RegExp(`\r\n${opts.tagHeader}: *([^\r]*)`, "i");
  const tagOf = (response: Buffer): string => {
    const headerEnd = response.indexOf(HEADER_END);
    return tagPattern?.exec(response.toString("latin1", 0, headerEnd))?.[1] ?? "";
  };
  let next = 0;
  let non2xx = 0;
  let socketErrors = 0;
  let firstStatus = 0;
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const stopAt = measureFrom + opts.durationMs;

  const runConnection = (): Promise<void> =>
    new Promise((resolve) => {
      const socket: Socket = connect({ port: opts.port, host: opts.host ?? "127.0.0.1", noDelay: true });
      let buf: Buffer | undefined;
      let sentAt = 0;
      const send = () => {
        const request = opts.requests[next++ % opts.requests.length];
        if (!request) throw new Error("no requests");
        sentAt = performance.now();
        socket.write(request);
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        buf = buf ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const length = responseLength(buf);
          if (length === -1) return;
          const status = Number(buf.toString("latin1", 9, 12));
          if (firstStatus === 0) firstStatus = status;
          const tag = byTag ? tagOf(buf) : "";
          buf = length === buf.length ? undefined : buf.subarray(length);
          const done = performance.now();
          if (sentAt >= measureFrom && done <= stopAt) {
            latencies.push(done - sentAt);
            if (byTag) {
              const list = byTag.get(tag);
              if (list) list.push(done - sentAt);
              else byTag.set(tag, [done - sentAt]);
            }
            if (status < 200 || status > 299) non2xx++;
          }
          if (done >= stopAt) {
            socket.end();
            return;
          }
          send();
          if (!buf) return;
        }
      });
      socket.on("error", () => {
        socketErrors++;
        resolve();
      });
      socket.on("close", () => resolve());
    });

  await Promise.all(Array.from({ length: opts.connections }, runConnection));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  return {
    requests: latencies.length,
    non2xx,
    socketErrors,
    rps: latencies.length / (opts.durationMs / 1000),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    firstStatus,
    ...(byTag ? { byTag } : {}),
  };
}
