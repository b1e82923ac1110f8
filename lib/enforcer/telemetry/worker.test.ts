/**
 * The telemetry client's worker path, for real: the enforcer transpiled to plain JavaScript as it ships
 * (a worker thread cannot load the .ts sources), a real `node:worker_threads` worker, and a real HTTP
 * receiver on loopback. Also the fallbacks: no worker file beside the client, one core, `offload`.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { compileForBench } from "../../../scripts/bench/compile.js";
import type { createTelemetryClient as Create, TelemetryClient } from "./client.js";
import type { TelemetryEvent } from "./types.js";
import { type DecisionColumns, decodeDecisionColumns } from "./wire.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
let outDir = "";
let noWorkerDir = "";
let create: typeof Create;
let createWithoutWorkerFile: typeof Create;

interface Received {
  key: string;
  headers: IncomingMessage["headers"];
  events: Record<string, unknown>[];
}

/** A loopback control plane: answers `statuses` in turn (then 200) and records every request. */
async function startReceiver(statuses: number[] = []) {
  const requests: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")) as {
      decisions?: DecisionColumns;
      events: Record<string, unknown>[];
    };
    const events = [...(body.decisions ? decodeDecisionColumns(body.decisions, 1000) : []), ...body.events];
    requests.push({ key: String(req.headers["idempotency-key"]), headers: req.headers, events });
    res.writeHead(statuses.shift() ?? 200, { "retry-after": "0" }).end("{}");
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () => {
    server.closeAllConnections();
    return new Promise<void>((ok) => server.close(() => ok()));
  };
  return { url, requests, stop };
}

const decision = (i: number): TelemetryEvent => ({
  type: "decision",
  at: 1_700_000_000_000 + i,
  outcome: "allow",
  resource: "https://mcp.example.com/mcp",
  clientId: "agent-1",
  subject: `user-${i % 3}`,
  method: "tools/call",
  tool: "read_file",
  latencyMs: 0.25,
});
const ats = (requests: Received[]) => requests.flatMap((r) => r.events.map((e) => Number(e.at) - 1_700_000_000_000));
const until = async (check: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((ok) => setTimeout(ok, 10));
  }
};

beforeAll(async () => {
  outDir = compileForBench(root, mkdtempSync(join(tmpdir(), "portcullis-telemetry-worker-")));
  noWorkerDir = mkdtempSync(join(tmpdir(), "portcullis-telemetry-noworker-"));
  cpSync(outDir, noWorkerDir, { recursive: true });
  // A bundle that left the worker file out: the client must still work, from the event loop.
  const stub = "export const TELEMETRY_WORKER = 'portcullis.telemetry';\n";
  await import("node:fs/promises").then((fs) =>
    fs.writeFile(join(noWorkerDir, "lib/enforcer/telemetry/worker.js"), stub),
  );
  const load = async (dir: string) =>
    (
      (await import(pathToFileURL(join(dir, "lib/enforcer/telemetry/client.js")).href)) as {
        createTelemetryClient: typeof Create;
      }
    ).createTelemetryClient;
  create = await load(outDir);
  createWithoutWorkerFile = await load(noWorkerDir);
}, 60_000);

afterAll(() => {
  for (const dir of [outDir, noWorkerDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

let client: TelemetryClient | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await client?.close(1000);
  await receiver?.stop();
  client = undefined;
  receiver = undefined;
});

describe("telemetry worker thread", () => {
  it("is chosen on a host with more than one core and ships gzip batches with the credential and keys", async () => {
    receiver = await startReceiver();
    // maxQueue 300: full batches are handed to the worker one at a time (at most half the queue waits).
    client = create({
      url: receiver.url,
      credential: "pcl_worker",
      maxBatch: 100,
      maxQueue: 300,
      flushIntervalMs: 60_000,
      heartbeatIntervalMs: 0,
    });
    for (let i = 0; i < 250; i++) client.emit(decision(i));
    await until(() => ats(receiver?.requests ?? []).length >= 200); // full batches leave without waiting for the tick
    expect(client.stats().thread).toBe("worker");
    await client.flush();
    expect(ats(receiver.requests)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(receiver.requests.map((r) => r.events.length)).toEqual([100, 100, 50]);
    expect(new Set(receiver.requests.map((r) => r.key)).size).toBe(3);
    expect(receiver.requests[0]?.headers.authorization).toBe("Bearer pcl_worker");
    expect(receiver.requests[0]?.events[1]).toMatchObject({ subject: "user-1", tool: "read_file", latencyMs: 0.25 });
    expect(client.stats()).toMatchObject({ queued: 0, sent: 250, batchesSent: 3, dropped: 0, thread: "worker" });
  });

  it("retries a 503 with the same idempotency key, and never passes the credential to onError", async () => {
    receiver = await startReceiver([503, 503]);
    const errors: string[] = [];
    client = create({
      url: receiver.url,
      credential: "pcl_secret_value",
      initialBackoffMs: 20,
      flushIntervalMs: 20,
      heartbeatIntervalMs: 0,
      onError: (e) => errors.push(e.message),
    });
    for (let i = 0; i < 10; i++) client.emit(decision(i));
    await until(() => (client?.stats().sent ?? 0) === 10);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.key)).size).toBe(1);
    expect(ats(receiver.requests.slice(2))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(client.stats()).toMatchObject({ failedAttempts: 2, consecutiveFailures: 0, thread: "worker" });
    expect(errors.some((m) => m.includes("503"))).toBe(true);
    expect(errors.join(" ")).not.toContain("pcl_secret_value");
  });

  it("keeps at most maxQueue events while the control plane is down, counting the drops, then delivers", async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.stop(); // connection refused
    client = create({
      url,
      credential: "pcl_x",
      maxQueue: 150,
      maxBatch: 100,
      initialBackoffMs: 50,
      heartbeatIntervalMs: 0,
    });
    for (let i = 0; i < 400; i++) client.emit(decision(i));
    await until(() => (client?.stats().failedAttempts ?? 0) > 0);
    await client.flush();
    const s = client.stats();
    expect(s.thread).toBe("worker");
    expect(s.sent).toBe(0);
    expect(s.queued).toBeLessThanOrEqual(150 * 2); // each side of the thread boundary holds at most maxQueue
    expect(s.queued + s.dropped).toBe(400);
    expect(s.dropped).toBeGreaterThan(0);
  });

  it("close() flushes what is queued, stops the worker, then ignores further events", async () => {
    receiver = await startReceiver();
    client = create({ url: receiver.url, credential: "pcl_x", flushIntervalMs: 60_000, heartbeatIntervalMs: 0 });
    await until(() => client?.stats().thread === "worker");
    for (let i = 0; i < 7; i++) client.emit(decision(i));
    await client.close();
    expect(ats(receiver.requests)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    client.emit(decision(99));
    await client.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(client.stats()).toMatchObject({ sent: 7, queued: 0 });
  });

  it("falls back to the event loop when the worker cannot start, losing nothing emitted meanwhile", async () => {
    receiver = await startReceiver();
    client = createWithoutWorkerFile({
      url: receiver.url,
      credential: "pcl_x",
      offload: "worker",
      heartbeatIntervalMs: 0,
    });
    for (let i = 0; i < 5; i++) client.emit(decision(i)); // before the worker failed
    await client.flush();
    expect(client.stats().thread).toBe("event-loop");
    for (let i = 5; i < 8; i++) client.emit(decision(i));
    await client.flush();
    expect(ats(receiver.requests)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("stays on the event loop with one core (taskset) or offload: event-loop", async () => {
    receiver = await startReceiver();
    client = create({ url: receiver.url, credential: "pcl_x", offload: "event-loop" });
    client.emit(decision(1));
    await client.flush();
    expect(client.stats()).toMatchObject({ thread: "event-loop", sent: 1 });
    const script = `const { createTelemetryClient } = await import(${JSON.stringify(pathToFileURL(join(outDir, "lib/enforcer/telemetry/client.js")).href)});
      const c = createTelemetryClient({ url: ${JSON.stringify(receiver.url)}, credential: "pcl_x" });
      c.emit(${JSON.stringify(decision(2))}); await c.flush(); console.log(c.stats().thread, c.stats().sent); await c.close();`;
    const { stdout } = await promisify(execFile)("taskset", [
      "-c",
      "0",
      process.execPath,
      "--input-type=module",
      "-e",
      script,
    ]);
    expect(stdout.trim()).toBe("event-loop 1");
  });
});
