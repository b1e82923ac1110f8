import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAudit } from "../audit";
import { db } from "../db";
import { testActor } from "../telemetry/test-fixtures";
import { deliverAuditStreams } from "./deliver";
import { createSink, getSink } from "./sinks";
import { httpReceiver, jsonLinesAt, parseRfc5424, syslogReceiver } from "./test-receivers";

/**
 * Syslog over TLS (RFC 5425 framing) to a loopback receiver with a certificate made here by openssl:
 * trusted through the sink's CA field, refused without it (fails closed). And one deliverer at a time:
 * two cycles started together deliver each event once.
 */
const ctx = { requestId: "audit-stream-tls", ip: "127.0.0.1" };
const dir = mkdtempSync(join(tmpdir(), "pcl-syslog-tls-"));
execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
  ],
  { stdio: "ignore" },
);
const cert = readFileSync(join(dir, "cert.pem"), "utf8");
const syslog = syslogReceiver({ key: readFileSync(join(dir, "key.pem")), cert });
const http = httpReceiver();
beforeAll(async () => {
  await syslog.up();
  await http.up();
});
afterAll(async () => {
  await syslog.down();
  await http.down();
  rmSync(dir, { recursive: true, force: true });
});
const tag = () => Math.random().toString(36).slice(2, 8);
const audit = (action: string) =>
  db().$transaction((tx) => writeAudit(tx, { actor: testActor, action, targetType: "test", ctx }));
const base = { includeDenials: false, enabled: true };

describe("syslog over TLS", () => {
  it("delivers to a receiver whose CA is configured; without it the certificate is refused", async () => {
    const port = syslog.port;
    const trusted = await createSink(
      testActor,
      { kind: "syslog", name: `tls-${tag()}`, host: "127.0.0.1", port, tls: true, caCert: cert, ...base },
      ctx,
    );
    const untrusted = await createSink(
      testActor,
      { kind: "syslog", name: `tls-${tag()}`, host: "127.0.0.1", port, tls: true, caCert: "", ...base },
      ctx,
    );
    const action = `tls.${tag()}`;
    await audit(action);
    await deliverAuditStreams({ sinkIds: [trusted.sink.id, untrusted.sink.id], retryBaseMs: 20 });
    const mine = syslog.messages.map(parseRfc5424).filter((m) => m.msg.action === action);
    expect(mine).toHaveLength(1); // only the trusted sink got it
    expect(mine[0]).toMatchObject({ appName: "portcullis", msgId: "audit" });
    const refused = await getSink(untrusted.sink.id);
    expect(refused.status.lastError).toMatch(/self[- ]signed|certificate/i);
    expect(refused.status.pending).toBeGreaterThan(0);
    expect((await getSink(trusted.sink.id)).status.pending).toBe(0);
  });
});

describe("one deliverer at a time", () => {
  it("two cycles started together send each event once", async () => {
    const path = `/once-${tag()}`;
    const { sink } = await createSink(
      testActor,
      { kind: "webhook", name: `once-${tag()}`, url: `http://127.0.0.1:${http.port}${path}`, ...base },
      ctx,
    );
    for (let i = 0; i < 5; i++) await audit(`once.${i}.${tag()}`);
    const results = await Promise.all([1, 2, 3].map(() => deliverAuditStreams({ sinkIds: [sink.id] })));
    // PostgreSQL: the advisory lock lets one cycle run at a time; SQLite: the in-process flag does. A call that
    // waited for a pool connection until the first cycle had committed may run a cycle of its own after it (it
    // finds nothing left to send), so "at a time" is checked by what was sent: every event once, in one cycle.
    expect(results.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    expect(results.map((r) => r.delivered).filter((n) => n > 0)).toEqual([6]);
    const ids = jsonLinesAt(http, path).map((e) => e.id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
  });
});

describe("batch size", () => {
  it("splits large events into batches under the byte cap, in order, nothing lost", async () => {
    const path = `/big-${tag()}`;
    const { sink } = await createSink(
      testActor,
      { kind: "webhook", name: `big-${tag()}`, url: `http://127.0.0.1:${http.port}${path}`, ...base },
      ctx,
    );
    const big = "x".repeat(400 * 1024);
    for (let i = 0; i < 3; i++)
      await db().$transaction((tx) =>
        writeAudit(tx, { actor: testActor, action: `big.${i}`, targetType: "test", after: { note: big }, ctx }),
      );
    for (let i = 0; i < 10 && jsonLinesAt(http, path).length < 4; i++)
      await deliverAuditStreams({ sinkIds: [sink.id] });
    const bodies = http.hits.filter((h) => h.path === path).map((h) => Buffer.byteLength(h.body));
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const b of bodies) expect(b).toBeLessThan(1024 * 1024);
    const actions = jsonLinesAt<{ action: string }>(http, path).map((e) => e.action);
    expect(actions).toEqual(["audit_sink.create", "big.0", "big.1", "big.2"]);
  });
});
