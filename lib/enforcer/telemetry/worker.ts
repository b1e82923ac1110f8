/**
 * The telemetry worker thread: the enforcer's event loop only copies each event into the columns of a
 * segment (batch.ts) and transfers full segments here (worker-client.ts); this thread builds the
 * batches' wire form, run-length codes, gzips and POSTs them with the same send loop (send-loop.ts:
 * bounded queue, idempotency keys, retry and backoff) the event loop runs where there is no worker.
 *
 * Loaded by URL (`new Worker(new URL("./worker.js", import.meta.url))`), never imported by the client:
 * importing this module in a main thread does nothing.
 */
import { isMainThread, type MessagePort, parentPort, workerData } from "node:worker_threads";
import { type SegmentData, TelemetryBuffer, TelemetrySegment } from "./batch.js";
import { createNodePost } from "./post.js";
import { type SendCounters, type SendLoopOptions, startSendLoop } from "./send-loop.js";
import { realClock } from "./transport.js";

/** `workerData` key that marks a telemetry worker. @example new Worker(url, { workerData: { [TELEMETRY_WORKER]: options } }) */
export const TELEMETRY_WORKER = "portcullis.telemetry";

/** The serializable part of the resolved options (functions stay on the main thread). */
export type WorkerOptions = Omit<SendLoopOptions, "post" | "clock" | "random" | "onError"> & {
  url: string;
  maxQueue: number;
};

/** Main thread → worker. */
export type ToWorker =
  | { t: "segments"; segments: SegmentData[]; send: boolean }
  | { t: "flush" | "idle"; id: number }
  | { t: "close"; id: number; timeoutMs: number };

/** What the worker reports: its queue and counters, and how many events it ever received. */
export type WorkerStats = SendCounters & { received: number; queued: number; dropped: number };

/** Worker → main thread. */
export type FromWorker =
  | { t: "ready" }
  | { t: "stats"; stats: WorkerStats; buffers: ArrayBuffer[] }
  | { t: "done"; id: number; stats: WorkerStats }
  | { t: "error"; message: string };

function runWorker(port: MessagePort, options: WorkerOptions): void {
  const queue = new TelemetryBuffer(options.maxQueue, options.maxBatch);
  let received = 0;
  const spare: ArrayBuffer[] = [];
  const post = (message: FromWorker) => port.postMessage(message);
  const loop = startSendLoop(
    {
      ...options,
      post: createNodePost(options.url),
      clock: realClock,
      random: Math.random,
      // Messages only: statuses and network errors, never the credential or a body.
      onError: (error) => post({ t: "error", message: error.message }),
    },
    queue,
    {
      // Sent batches' column buffers go back to the main thread for its next segments.
      recycle: (buffer) => {
        if (buffer) spare.push(buffer);
      },
      afterAttempt: () => {
        const buffers = spare.splice(0);
        port.postMessage({ t: "stats", stats: stats(), buffers } satisfies FromWorker, buffers);
      },
    },
  );
  const stats = (): WorkerStats => ({ received, dropped: queue.dropped, ...loop.stats() });

  port.on("message", (message: ToWorker) => {
    switch (message.t) {
      case "segments":
        for (const data of message.segments) {
          const segment = TelemetrySegment.attach(data);
          received += segment.length;
          queue.append(segment);
        }
        if (message.send) void loop.pump();
        else loop.kickSoon();
        return;
      case "flush":
      case "idle":
        void (message.t === "flush" ? loop.flush() : loop.idle()).then(() =>
          post({ t: "done", id: message.id, stats: stats() }),
        );
        return;
      case "close":
        void loop.close(message.timeoutMs).then(() => {
          post({ t: "done", id: message.id, stats: stats() });
          port.close(); // nothing keeps the thread alive now: it ends
        });
        return;
    }
  });
  post({ t: "ready" });
}

const data = workerData as Record<string, unknown> | null | undefined;
if (!isMainThread && parentPort && data && typeof data === "object" && TELEMETRY_WORKER in data) {
  runWorker(parentPort, data[TELEMETRY_WORKER] as WorkerOptions);
}
