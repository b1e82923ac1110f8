import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../alerts/signature";
import { writeAudit } from "../audit";
import { db } from "../db";
import { ingestBatch } from "../telemetry/ingest";
import { createTestResource, testActor } from "../telemetry/test-fixtures";
import { deliverAuditStreams } from "./deliver";
import { sendTestEvent } from "./send-test";
import { createSink, getSink } from "./sinks";
import { httpReceiver, jsonLinesAt, parseRfc5424, syslogReceiver } from "./test-receivers";

/**
 * Audit streaming end to end on loopback: real receivers (HTTP for the webhook and Splunk HEC, TCP
 * for syslog), the real delivery cycle against the real database (SQLite, or PostgreSQL with
 * TEST_DB=postgres: then one transaction under the advisory lock). Backoff shortened to milliseconds.
 */
const ctx = { requestId: "audit-stream", ip: "127.0.0.1" };
const http = httpReceiver();
const syslog = syslogReceiver();
beforeAll(async () => {
  await http.up();
  await syslog.up();
});
afterAll(async () => {
  await http.down();
  await syslog.down();
});

const tag = () => Math.random().toString(36).slice(2, 8);
async function audit(action: string): Promise<number> {
  await db().$transaction((tx) => writeAudit(tx, { actor: testActor, action, targetType: "test", ctx }));
  const row = await db().auditEvent.findFirstOrThrow({ where: { action }, select: { seq: true } });
  return row.seq;
}
const fast = { retryBaseMs: 20, retryMaxMs: 100, settleMs: 0 };
/** Run delivery cycles (waiting out the short backoff) until `done()` or the attempts run out. */
async function deliverUntil(sinkId: string, done: () => boolean, rounds = 40) {
  for (let i = 0; i < rounds && !done(); i++) {
    await deliverAuditStreams({ ...fast, sinkIds: [sinkId] });
    if (!done()) await new Promise((r) => setTimeout(r, 60));
  }
}
type Line = { id: string; type: string; action?: string; seq?: number; reason?: string };
const webhookEvents = (path: string) => jsonLinesAt<Line>(http, path);

describe("webhook sink (JSON Lines, signed)", () => {
  it("delivers in order, signed; survives the receiver being down; a resent batch keeps its event ids", async () => {
    const path = `/hook-${tag()}`;
    const { sink, signingSecret } = await createSink(
      testActor,
      {
        kind: "webhook",
        name: `hook-${tag()}`,
        url: `http://127.0.0.1:${http.port}${path}`,
        includeDenials: false,
        enabled: true,
      },
      ctx,
    );
    expect(signingSecret).toMatch(/^whsec_/);
    const first = await audit(`stream.a.${tag()}`);
    await deliverUntil(sink.id, () => webhookEvents(path).length >= 2);
    const hit = http.hits.find((h) => h.path === path);
    expect(hit?.headers["content-type"]).toBe("application/x-ndjson");
    const sig = verifySignature(signingSecret ?? "", hit?.headers["portcullis-signature"] as string, hit?.body ?? "");
    expect(sig.ok).toBe(true);
    expect(verifySignature("whsec_wrong", hit?.headers["portcullis-signature"] as string, hit?.body ?? "").ok).toBe(
      false,
    );
    // The stream starts with the sink's own creation, then what happened after.
    expect(webhookEvents(path).map((e) => e.action)).toEqual([
      "audit_sink.create",
      expect.stringMatching(/^stream\.a\./),
    ]);
    expect(webhookEvents(path)[1]?.id).toBe(`audit-${first}`);

    // Receiver down: events written meanwhile wait; the sink shows the failure and backs off.
    await http.down();
    const during: number[] = [];
    for (let i = 0; i < 5; i++) during.push(await audit(`stream.down.${i}.${tag()}`));
    await deliverAuditStreams({ ...fast, sinkIds: [sink.id] });
    const failing = await getSink(sink.id);
    expect(failing.status.failures).toBeGreaterThanOrEqual(1);
    expect(failing.status.lastError).toMatch(/ECONNREFUSED|connect|unreachable/i);
    expect(failing.status.pending).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 300));
    await deliverAuditStreams({ ...fast, sinkIds: [sink.id] }); // still down: a second failure
    expect((await getSink(sink.id)).status.failures).toBeGreaterThanOrEqual(2);

    // Back up, but the first answer is a 500 after the receiver has read the batch: it comes again.
    await http.up();
    http.status = 500;
    await deliverUntil(sink.id, () => http.hits.filter((h) => h.path === path).length >= 2);
    http.status = 204;
    const after = await audit(`stream.after.${tag()}`);
    await deliverUntil(sink.id, () => webhookEvents(path).some((e) => e.seq === after));

    const seen = webhookEvents(path);
    const unique = [...new Map(seen.map((e) => [e.id, e])).values()];
    // Nothing lost, in order (duplicates removed by id, as a SIEM does).
    const seqs = unique.map((e) => e.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const s of [first, ...during, after]) expect(seqs).toContain(s);
    // The resent batch carries the same ids and the same content.
    const dupes = seen.filter((e, i) => seen.findIndex((x) => x.id === e.id) !== i);
    expect(dupes.length).toBeGreaterThanOrEqual(5);
    for (const d of dupes) expect(d).toEqual(unique.find((e) => e.id === d.id));
    const ok = await getSink(sink.id);
    expect([ok.status.failures, ok.status.lastError, ok.status.pending]).toEqual([0, null, 0]);
  });

  it("Send test event reaches the receiver at once, signed, and is audited", async () => {
    const path = `/test-${tag()}`;
    const { sink } = await createSink(
      testActor,
      {
        kind: "webhook",
        name: `t-${tag()}`,
        url: `http://127.0.0.1:${http.port}${path}`,
        includeDenials: false,
        enabled: true,
      },
      ctx,
    );
    const r = await sendTestEvent(testActor, sink.id, ctx);
    expect(r).toMatchObject({ ok: true, error: null });
    expect(webhookEvents(path)).toEqual([expect.objectContaining({ id: r.eventId, type: "test" })]);
    const row = await db().auditEvent.findFirst({ where: { action: "audit_sink.test", targetId: sink.id } });
    expect(JSON.parse(row?.after ?? "{}")).toMatchObject({ ok: true, eventId: r.eventId });
  });
});

describe("syslog sink (RFC 5424 over TCP, octet counting)", () => {
  it("frames every event, parses as RFC 5424, nothing lost across a receiver outage", async () => {
    const { sink } = await createSink(
      testActor,
      {
        kind: "syslog",
        name: `sys-${tag()}`,
        host: "127.0.0.1",
        port: syslog.port,
        tls: false,
        caCert: "",
        includeDenials: false,
        enabled: true,
      },
      ctx,
    );
    const mine = () =>
      syslog.messages.map(parseRfc5424).filter((m) => m.msg.type === "audit" && String(m.msg.action).includes(suffix));
    const suffix = tag();
    const seqs: number[] = [await audit(`sys.1.ünïcødé✓.${suffix}`), await audit(`sys.2 "quoted] ${suffix}`)];
    await deliverUntil(sink.id, () => mine().length >= 2);
    const [a, b] = mine();
    expect(a).toMatchObject({ pri: 13 * 8 + 5, appName: "portcullis", msgId: "audit", sdEventId: `audit-${seqs[0]}` });
    expect(a?.structuredData).toContain('[portcullis@32473 id="audit-');
    // SD-PARAM escaping (RFC 5424 §6.3.3) of '"' and ']'.
    expect(b?.structuredData).toContain('action="sys.2 \\"quoted\\] ');
    expect(b?.msg.id).toBe(`audit-${seqs[1]}`);

    await syslog.down();
    seqs.push(await audit(`sys.3.${suffix}`), await audit(`sys.4.${suffix}`));
    await deliverAuditStreams({ ...fast, sinkIds: [sink.id] });
    expect((await getSink(sink.id)).status.lastError).toMatch(/syslog 127\.0\.0\.1/);
    await syslog.up();
    await deliverUntil(sink.id, () => mine().length >= 4);
    expect(mine().map((m) => m.msg.seq)).toEqual(seqs);
  });

  it("refuses plain TCP beyond loopback at save time", async () => {
    await expect(
      createSink(
        testActor,
        {
          kind: "syslog",
          name: `sys-${tag()}`,
          host: "siem.example.com",
          port: 6514,
          tls: false,
          caCert: "",
          includeDenials: false,
          enabled: true,
        },
        ctx,
      ),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { tls: [expect.stringMatching(/only to loopback/)] },
    });
  });
});

describe("Splunk HEC sink", () => {
  it("posts events to /services/collector/event with the Splunk token; the token is encrypted at rest", async () => {
    const token = `hec-${tag()}-0000-1111`;
    const { sink } = await createSink(
      testActor,
      {
        kind: "splunk_hec",
        name: `hec-${tag()}`,
        url: `http://127.0.0.1:${http.port}/`,
        token,
        index: "security",
        includeDenials: true,
        enabled: true,
      },
      ctx,
    );
    const row = await db().auditSink.findUniqueOrThrow({ where: { id: sink.id } });
    expect(row.configEnc).not.toContain(token);
    expect(JSON.stringify(sink)).not.toContain(token);
    // A denial from an enforcer, through the real ingest path.
    const { resourceId } = await createTestResource();
    const reason = "audience_mismatch";
    await ingestBatch({
      resourceId,
      idempotencyKey: tag(),
      instanceId: "i-1",
      events: [
        {
          type: "decision",
          at: Date.now(),
          outcome: "deny",
          reason,
          clientId: "c-1",
          method: "tools/call",
          tool: "t",
          latencyMs: 1,
        },
      ],
    });
    const mine = () => http.hits.filter((h) => h.headers.authorization === `Splunk ${token}`);
    const events = () =>
      mine().flatMap((h) =>
        h.body
          .split("\n")
          .map((l) => JSON.parse(l) as { event: Line; sourcetype: string; index: string; time: number }),
      );
    await deliverUntil(sink.id, () => events().some((e) => e.event.type === "denial"));
    expect(mine()[0]?.path).toBe("/services/collector/event");
    const denial = events().find((e) => e.event.type === "denial");
    expect(denial).toMatchObject({ sourcetype: "portcullis:denial", index: "security", event: { reason } });
    expect(denial?.event.id).toMatch(/^denial-\d+$/);
    expect(events()[0]).toMatchObject({ sourcetype: "portcullis:audit", event: { action: "audit_sink.create" } });
    expect(typeof events()[0]?.time).toBe("number");
  });
});
