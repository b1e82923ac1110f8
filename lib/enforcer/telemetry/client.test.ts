import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ReasonCode } from "../errors.js";
import { createTelemetryClient, fanOutSink, type TelemetryClient, type TelemetryClock } from "./client.js";
import { createDecisionRecorder } from "./decision.js";
import { createEnforcerMetrics } from "./metrics.js";
import { backoffDelay, retryAfterMs, sendOutcome } from "./transport.js";
import type { DecisionEvent, TelemetryEvent } from "./types.js";
import { type DecisionColumns, decodeDecisionColumns } from "./wire.js";

/** A stand-in control plane on loopback: records batches, dedupes by Idempotency-Key like the real one. */
interface Collector {
  url: string;
  port: number;
  /** Every request received, in order (retries included). */
  requests: { key: string; headers: IncomingMessage["headers"]; events: TelemetryEvent[]; instance: unknown }[];
  /** Batches stored once per key. */
  stored: Map<string, TelemetryEvent[]>;
  /** What the next requests get: a status, or "lose-response" (store, then cut the connection). */
  answer: number | "lose-response";
  retryAfter?: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

async function startCollector(port = 0): Promise<Collector> {
  let server: Server | undefined;
  const c: Collector = {
    url: "",
    port,
    requests: [],
    stored: new Map(),
    answer: 200,
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async restart() {
      server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        let raw = Buffer.concat(chunks);
        if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
        const body = JSON.parse(raw.toString("utf8")) as {
          events: TelemetryEvent[];
          decisions?: DecisionColumns;
          instance: unknown;
        };
        const events = [
          ...(body.decisions ? (decodeDecisionColumns(body.decisions, 1000) as unknown as TelemetryEvent[]) : []),
          ...body.events,
        ];
        const key = String(req.headers["idempotency-key"]);
        c.requests.push({ key, headers: req.headers, events, instance: body.instance });
        if (c.answer === 200 || c.answer === "lose-response") {
          if (!c.stored.has(key)) c.stored.set(key, events);
        }
        if (c.answer === "lose-response") {
          c.answer = 200; // only the first one
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = {};
        if (c.retryAfter) headers["retry-after"] = c.retryAfter;
        res.writeHead(c.answer, headers).end("{}");
      });
      const s = server;
      await new Promise<void>((resolve) => s.listen(c.port, "127.0.0.1", resolve));
      c.port = (s.address() as AddressInfo).port;
      c.url = `http://127.0.0.1:${c.port}`;
    },
  };
  await c.restart();
  return c;
}

/** A hand-driven clock: `advance` fires due timers in order and waits for the client's sends. */
function manualClock(start = 1_700_000_000_000) {
  let t = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: TelemetryClock & { advance(ms: number, client: TelemetryClient): Promise<void> } = {
    now: () => t,
    setTimeout(fn, ms) {
      seq++;
      timers.set(seq, { at: t + ms, fn });
      return seq;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms, client) {
      const end = t + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = Math.max(t, due[1].at);
        due[1].fn();
        await client.idle();
        await new Promise((resolve) => setImmediate(resolve));
      }
      t = end;
    },
  };
  return clock;
}

const decision = (i: number): TelemetryEvent => ({
  type: "decision",
  at: i,
  outcome: "allow",
  resource: "https://mcp.example.com/mcp",
  clientId: "agent-1",
  subject: "alice",
  method: "tools/call",
  tool: "read_file",
  latencyMs: 0.4123456789,
});

let collector: Collector | undefined;
let client: TelemetryClient | undefined;
afterEach(async () => {
  await client?.close(100);
  await collector?.stop();
  client = undefined;
  collector = undefined;
});

const storedAts = (c: Collector) => [...c.stored.values()].flat().map((e) => e.at);

describe("telemetry client", () => {
  it("keeps at most maxQueue events, drops the oldest and counts them", async () => {
    collector = await startCollector();
    const clock = manualClock();
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", maxQueue: 5, clock });
    for (let i = 1; i <= 8; i++) client.emit(decision(i));
    expect(client.stats()).toMatchObject({ queued: 5, dropped: 3 });
    expect(collector.requests).toHaveLength(0); // emit never sends inline
    await clock.advance(1000, client);
    expect(storedAts(collector)).toEqual([4, 5, 6, 7, 8]);
    expect(client.stats()).toMatchObject({ queued: 0, dropped: 3, sent: 5, batchesSent: 1 });
  });

  it("copies a decision handed over as the enforcer's reused record (TelemetrySink.decision) at once", async () => {
    collector = await startCollector();
    const clock = manualClock();
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", clock });
    const record = { ...decision(0) } as DecisionEvent;
    for (const [at, tool] of [
      [1, "read_file"],
      [2, "search"],
      [3, "write_file"],
    ] as const) {
      record.at = at;
      record.tool = tool;
      client.decision?.(record);
    }
    await clock.advance(1000, client);
    const stored = [...collector.stored.values()].flat();
    expect(stored.map((e) => [e.at, (e as DecisionEvent).tool])).toEqual([
      [1, "read_file"],
      [2, "search"],
      [3, "write_file"],
    ]);
  });

  it("sends gzip JSON with the credential, an idempotency key and the instance, in batches of maxBatch", async () => {
    collector = await startCollector();
    const clock = manualClock();
    client = createTelemetryClient({
      url: collector.url,
      credential: "pcl_abc",
      maxBatch: 3,
      clock,
      instance: { id: "i-1", host: "h", moduleVersion: "1.2.3" },
    });
    for (let i = 1; i <= 7; i++) client.emit(decision(i));
    expect(collector.requests).toHaveLength(0); // never inline in emit()
    await clock.advance(0, client);
    // A full batch goes out at once (and the loop keeps going while full ones wait); a partial one waits for the tick.
    expect(collector.requests.map((r) => r.events.length)).toEqual([3, 3]);
    await clock.advance(999, client);
    expect(collector.requests.map((r) => r.events.length)).toEqual([3, 3]);
    await clock.advance(1, client);
    expect(collector.requests.map((r) => r.events.length)).toEqual([3, 3, 1]);
    const first = collector.requests[0];
    expect(first?.headers.authorization).toBe("Bearer pcl_abc");
    expect(first?.headers["content-encoding"]).toBe("gzip");
    expect(first?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(collector.requests.map((r) => r.key)).size).toBe(3);
    expect(first?.instance).toEqual({ id: "i-1", host: "h", moduleVersion: "1.2.3" });
    // The wire form: latency to the microsecond, no resource URI (the credential names the resource).
    expect(first?.events[0]).toEqual({
      type: "decision",
      at: 1,
      outcome: "allow",
      clientId: "agent-1",
      subject: "alice",
      method: "tools/call",
      tool: "read_file",
      latencyMs: 0.412,
    });
    expect(new URL(collector.url).pathname).toBe("/");
  });

  it("loses no queued event when the control plane is down for a minute, and retries with backoff", async () => {
    collector = await startCollector();
    const clock = manualClock();
    const random = () => 0.5;
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", maxQueue: 10_000, clock, random });
    await collector.stop(); // connection refused from now on
    let n = 0;
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 100; i++) client.emit(decision(++n));
      await clock.advance(1000, client);
    }
    expect(client.stats()).toMatchObject({ queued: 6000, dropped: 0, sent: 0 });
    // Exponential backoff: far fewer attempts than the 60 one-second ticks.
    expect(client.stats().failedAttempts).toBeGreaterThan(3);
    expect(client.stats().failedAttempts).toBeLessThan(12);
    await collector.restart();
    await clock.advance(120_000, client);
    expect(client.stats()).toMatchObject({ queued: 0, dropped: 0, sent: 6000 });
    expect(storedAts(collector)).toEqual(Array.from({ length: 6000 }, (_, i) => i + 1));
  });

  it("retries a batch whose answer was lost with the same key, so the control plane stores it once", async () => {
    collector = await startCollector();
    const clock = manualClock();
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", clock, random: () => 0 });
    collector.answer = "lose-response";
    for (let i = 1; i <= 10; i++) client.emit(decision(i));
    await clock.advance(1000, client);
    expect(client.stats()).toMatchObject({ queued: 10, sent: 0, consecutiveFailures: 1 });
    await clock.advance(5000, client);
    expect(collector.requests).toHaveLength(2);
    expect(collector.requests[0]?.key).toBe(collector.requests[1]?.key);
    expect(storedAts(collector)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(client.stats()).toMatchObject({ queued: 0, sent: 10 });
  });

  it("honours Retry-After on 429", async () => {
    collector = await startCollector();
    const clock = manualClock();
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", clock, random: () => 0 });
    collector.answer = 429;
    collector.retryAfter = "30";
    client.emit(decision(1));
    await clock.advance(1000, client);
    collector.answer = 200;
    await clock.advance(28_000, client);
    expect(collector.requests).toHaveLength(1);
    await clock.advance(3000, client);
    expect(collector.requests).toHaveLength(2);
    expect(client.stats().sent).toBe(1);
  });

  it("drops a batch the control plane refuses for good (422) and carries on", async () => {
    collector = await startCollector();
    const clock = manualClock();
    const errors: string[] = [];
    client = createTelemetryClient({
      url: collector.url,
      credential: "pcl_x",
      clock,
      onError: (e) => errors.push(e.message),
    });
    collector.answer = 422;
    client.emit(decision(1));
    await clock.advance(1000, client);
    collector.answer = 200;
    client.emit(decision(2));
    await clock.advance(1000, client);
    expect(client.stats()).toMatchObject({ rejected: 1, sent: 1, queued: 0 });
    expect(errors[0]).toMatch(/422/);
  });

  it("sends an empty heartbeat batch after a quiet period", async () => {
    collector = await startCollector();
    const clock = manualClock();
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", clock, heartbeatIntervalMs: 30_000 });
    await clock.advance(29_000, client);
    expect(collector.requests).toHaveLength(0);
    await clock.advance(2000, client);
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]?.events).toEqual([]);
  });

  it("close() flushes what is queued, then ignores further events", async () => {
    collector = await startCollector();
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", clock: manualClock() });
    client.emit(decision(1));
    await client.close();
    client.emit(decision(2));
    expect(storedAts(collector)).toEqual([1]);
  });

  it("sends through an injected fetch when given one", async () => {
    collector = await startCollector();
    const clock = manualClock();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    client = createTelemetryClient({ url: collector.url, credential: "pcl_x", clock, fetch: counting });
    client.emit(decision(1));
    collector.answer = 503;
    await clock.advance(1000, client);
    collector.answer = 200;
    await clock.advance(5000, client);
    expect(calls).toBe(2);
    expect(storedAts(collector)).toEqual([1]);
    expect(collector.requests[0]?.headers["content-encoding"]).toBe("gzip");
  });

  it("counts a request that times out as a failed attempt and keeps the batch", async () => {
    collector = await startCollector();
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const clock = manualClock();
    client = createTelemetryClient({
      url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      credential: "pcl_x",
      clock,
      requestTimeoutMs: 50,
    });
    client.emit(decision(1));
    await clock.advance(1000, client);
    expect(client.stats()).toMatchObject({ queued: 1, sent: 0, failedAttempts: 1 });
    silent.closeAllConnections();
    silent.close();
  });

  it("refuses bad options at construction", () => {
    expect(() => createTelemetryClient({ url: "not a url", credential: "x" })).toThrow();
    expect(() => createTelemetryClient({ url: "ftp://x", credential: "x" })).toThrow(TypeError);
    expect(() => createTelemetryClient({ url: "http://x", credential: "" })).toThrow(/credential/);
    expect(() => createTelemetryClient({ url: "http://x", credential: "x", maxBatch: 1001 })).toThrow(/maxBatch/);
  });

  it("fanOutSink reaches every sink even when one throws", () => {
    const seen: number[] = [];
    const sink = fanOutSink(
      {
        emit() {
          throw new Error("boom");
        },
      },
      { emit: (e) => seen.push(e.at) },
    );
    expect(() => sink.emit(decision(7))).not.toThrow();
    expect(seen).toEqual([7]);
  });
});

describe("sampled decision timing", () => {
  it("is declared by the shipped client and metrics, and by a fan-out only when every sink declares it", async () => {
    const url = "http://127.0.0.1:9/api/v1/telemetry";
    const c = createTelemetryClient({ url, credential: "pcl_x", offload: "worker" });
    const inLoop = createTelemetryClient({ url, credential: "pcl_x", offload: "event-loop" });
    const metrics = createEnforcerMetrics();
    try {
      expect(c.decisionTiming).toBe("sampled");
      expect(inLoop.decisionTiming).toBe("sampled");
      expect(metrics.decisionTiming).toBe("sampled");
      expect(fanOutSink(metrics, c).decisionTiming).toBe("sampled");
      expect(fanOutSink(metrics, c, { emit: () => {} }).decisionTiming).toBeUndefined();
      expect(fanOutSink().decisionTiming).toBeUndefined();
    } finally {
      await Promise.all([c.close(0), inLoop.close(0)]);
    }
  });
});

describe("batched decisions", () => {
  it("the shipped client and metrics take them, a fan-out only when every sink does; each reads the waiting ones first", async () => {
    for (const offload of ["worker", "event-loop"] as const) {
      const sent = await startCollector();
      const c = createTelemetryClient({ url: sent.url, credential: "pcl_x", offload });
      const metrics = createEnforcerMetrics({ telemetry: c });
      try {
        expect(typeof c.attachDecisionSource).toBe("function");
        expect(typeof metrics.attachDecisionSource).toBe("function");
        expect(fanOutSink(metrics, { emit: () => {} }).attachDecisionSource).toBeUndefined();
        const sink = fanOutSink(metrics, c);
        const recorder = createDecisionRecorder(sink);
        for (let i = 1; i <= 5; i++) {
          const facts = {
            auth: { token: { clientId: "agent-1", subject: "alice" }, cacheHit: true },
            method: "tools/call",
            tool: "read_file",
          };
          recorder.record("https://mcp.example.com/mcp", "allow", undefined, facts, recorder.start(i), i);
        }
        // Fewer than a batch: nothing handed over yet, but every read takes the waiting decisions first.
        expect(metrics.render()).toContain("mcp_auth_success_total 5");
        expect(metrics.render()).toContain('mcp_tool_invocation_total{tool="read_file"} 5');
        recorder.record("https://mcp.example.com/mcp", "deny", ReasonCode.TokenExpired, {}, recorder.start(6), 6);
        expect(c.stats().queued).toBe(6);
        recorder.record("https://mcp.example.com/mcp", "deny", ReasonCode.TokenExpired, {}, recorder.start(7), 7);
        await c.flush();
        expect(storedAts(sent).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(metrics.render()).toContain('mcp_auth_failure_total{reason="token_expired"} 2');
      } finally {
        await c.close(0);
        await sent.stop();
      }
    }
  });
});

describe("telemetry queue and retry policy", () => {
  it("classifies statuses, grows the backoff and reads Retry-After", () => {
    expect([200, 202, 401, 408, 429, 500, 503, 0, 413, 422].map(sendOutcome)).toEqual([
      "ok",
      "ok",
      "retry",
      "retry",
      "retry",
      "retry",
      "retry",
      "retry",
      "rejected",
      "rejected",
    ]);
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(4000);
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryAfterMs("2", 60_000)).toBe(2000);
    expect(retryAfterMs("9999", 60_000)).toBe(60_000);
    expect(retryAfterMs("nonsense", 60_000)).toBe(0);
    expect(retryAfterMs(null, 60_000)).toBe(0);
  });
});
