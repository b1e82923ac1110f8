import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/telemetry/route";
import { ReasonCode } from "@/lib/enforcer/errors";
import { encodeTelemetryBatch } from "@/lib/enforcer/telemetry/batch";
import { db } from "../db";
import { instanceKey } from "../enforcers/instances";
import { createGate } from "./gate";
import { receiveTelemetry } from "./receive";
import { createTestResource } from "./test-fixtures";

const URL_ = "http://127.0.0.1/api/v1/telemetry";
const event = (i: number) => ({
  type: "decision",
  at: Date.now() - i,
  outcome: "deny",
  reason: "token_expired",
  clientId: "agent-1",
  subject: "alice",
  latencyMs: 1.5,
});

function request(
  credential: string,
  body: unknown,
  opts: { gzip?: boolean; key?: string; headers?: Record<string, string> } = {},
) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const payload = opts.gzip ? gzipSync(text) : text;
  return new Request(URL_, {
    method: "POST",
    headers: {
      authorization: `Bearer ${credential}`,
      "content-type": "application/json",
      "idempotency-key": opts.key ?? randomUUID(),
      ...(opts.gzip ? { "content-encoding": "gzip" } : {}),
      ...opts.headers,
    },
    body: payload,
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("POST /api/v1/telemetry", () => {
  it("stores a gzip batch for the credential's resource and records the instance heartbeat", async () => {
    const { resourceId, credential } = await createTestResource();
    const instance = { id: `i-${randomUUID().slice(0, 8)}`, host: "web-1", moduleVersion: "0.1.0" };
    const res = await POST(request(credential, { instance, events: [event(1), event(2)] }, { gzip: true }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicate: false, folded: 0, rejectedCount: 0, rejected: [] });
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(2);
    const seen = await db().enforcerInstance.findUnique({ where: { id: instanceKey(resourceId, instance.id) } });
    expect(seen?.host).toBe("web-1");
  });

  it("answers a replay with duplicate: true and stores nothing more", async () => {
    const { resourceId, credential } = await createTestResource();
    const key = randomUUID();
    const body = { events: [event(1), event(2), event(3)] };
    expect((await POST(request(credential, body, { key }))).status).toBe(200);
    const replay = await POST(request(credential, body, { key, gzip: true }));
    expect(await replay.json()).toMatchObject({ accepted: 0, duplicate: true });
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(3);
  });

  it("skips invalid events, reports them, and keeps the valid ones", async () => {
    const { resourceId, credential } = await createTestResource();
    const bad = [
      { ...event(1), type: "nope" },
      { ...event(2), subject: "x".repeat(300) },
      { ...event(3), at: Date.now() + 3_600_000 },
      { ...event(4), reason: "Not A Code" },
    ];
    const res = await POST(request(credential, { events: [event(0), ...bad] }));
    const body = (await res.json()) as { accepted: number; rejectedCount: number; rejected: { index: number }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejectedCount).toBe(4);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(1);
  });

  it("stores decisions sent as columns by the enforcer's encoder, field by field, beside object events", async () => {
    const { resourceId, credential } = await createTestResource();
    const base = Date.now() - 1000;
    const decisions = Array.from({ length: 300 }, (_, i) => ({
      type: "decision" as const,
      at: base + i,
      outcome: i % 2 ? ("allow" as const) : ("deny" as const),
      reason: i % 2 ? undefined : ReasonCode.AudienceMismatch,
      resource: "https://mcp.example.com/mcp",
      clientId: `agent-${i % 3}`,
      subject: `user-${i % 7}`,
      method: "tools/call",
      tool: "read_file",
      latencyMs: 0.25 + i / 1000,
      cacheHit: i % 2 === 1,
    }));
    const refresh = {
      type: "jwks_refresh" as const,
      at: base,
      trigger: "forced" as const,
      outcome: "ok" as const,
      keyCount: 2,
      issuer: "https://idp.example.com/",
      latencyMs: 12.5,
    };
    const text = encodeTelemetryBatch({ id: "col-1" }, [...decisions, refresh]);
    expect(JSON.parse(text)).toHaveProperty("decisions");
    const res = await POST(request(credential, text, { gzip: true }));
    expect(await res.json()).toMatchObject({ accepted: 301, rejectedCount: 0 });
    const rows = await db().telemetryEvent.findMany({
      where: { resourceId, type: "decision" },
      orderBy: { at: "asc" },
    });
    expect(rows).toHaveLength(300);
    expect(rows[8]).toMatchObject({
      outcome: "deny",
      reason: "audience_mismatch",
      clientId: "agent-2",
      subject: "user-1",
      tool: "read_file",
      method: "tools/call",
      latencyMs: 0.258,
    });
    expect(rows[8]?.at.getTime()).toBe(base + 8);
    expect(rows[9]).toMatchObject({ outcome: "allow", reason: "", clientId: "agent-0" });
    expect(await db().telemetryEvent.count({ where: { resourceId, type: "jwks_refresh" } })).toBe(1);
  });

  it.each([
    ["columns that do not match n", (d: Record<string, unknown>) => ({ ...d, n: 5 }), 422, "invalid_input"],
    ["an index outside the dictionary", (d: Record<string, unknown>) => ({ ...d, strings: [] }), 422, "invalid_input"],
    ["more than 1,000 events in all", (d: Record<string, unknown>) => d, 413, "payload_too_large"],
  ])("refuses a columnar batch with %s and stores nothing", async (name, mutate, status, code) => {
    const { resourceId, credential } = await createTestResource();
    const body = JSON.parse(encodeTelemetryBatch(undefined, [event(1), event(2)] as never)) as {
      decisions: Record<string, unknown>;
      events: unknown[];
    };
    const events = name.startsWith("more") ? Array.from({ length: 999 }, (_, i) => event(i)) : [];
    const res = await POST(request(credential, { decisions: mutate(body.decisions), events }));
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(0);
  });

  it("strips control characters from strings (they end up in HTML, CSV and metric labels)", async () => {
    const { resourceId, credential } = await createTestResource();
    const res = await POST(
      request(credential, { events: [{ ...event(1), subject: "ali\nce\u0007", clientId: "a\u0000b" }] }),
    );
    expect(res.status).toBe(200);
    const row = await db().telemetryEvent.findFirst({ where: { resourceId } });
    expect([row?.subject, row?.clientId]).toEqual(["alice", "ab"]);
  });

  it.each([
    ["no credential", { authorization: "" }, 401, "unauthorized"],
    ["an unknown credential", { authorization: `Bearer pcl_000000000000_${"A".repeat(43)}` }, 401, "unauthorized"],
    ["no idempotency key", { "idempotency-key": "" }, 400, "bad_request"],
    ["a text body", { "content-type": "text/plain" }, 415, "unsupported_media_type"],
    ["a declared 6 MB body", { "content-length": String(6 * 1024 * 1024) }, 413, "payload_too_large"],
    ["an unknown encoding", { "content-encoding": "br" }, 415, "unsupported_media_type"],
  ])("refuses %s", async (_name, headers, status, code) => {
    const { credential } = await createTestResource();
    const res = await POST(request(credential, { events: [event(1)] }, { headers }));
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
  });

  it("answers 413 for more than 1000 events, a body over 5 MB and a gzip bomb", async () => {
    const { resourceId, credential } = await createTestResource();
    const many = Array.from({ length: 1001 }, (_, i) => event(i));
    expect((await POST(request(credential, { events: many }))).status).toBe(413);
    const huge = JSON.stringify({ events: [event(1)], pad: "x".repeat(5 * 1024 * 1024 + 10) });
    expect((await POST(request(credential, huge))).status).toBe(413);
    // 50 MB of zeros gzip to ~50 KB: inflating must stop at the limit, not allocate it all.
    const bomb = `{"events":[],"pad":"${"0".repeat(50 * 1024 * 1024)}"}`;
    const res = await POST(request(credential, bomb, { gzip: true }));
    expect(res.status).toBe(413);
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(0);
  });

  it("answers 429 with Retry-After when the ingest gate is full", async () => {
    const { resourceId, credential } = await createTestResource();
    const gate = createGate({ maxActive: 1, maxWaiting: 0, maxWaitMs: 1000, retryAfterSec: 3 });
    const hold = await gate.acquire(); // another batch is being stored
    const res = await receiveTelemetry(request(credential, { events: [event(1)] }), gate);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect((await errorOf(res)).code).toBe("rate_limited");
    hold();
    const ok = await receiveTelemetry(request(credential, { events: [event(1)] }), gate);
    expect(ok.status).toBe(200);
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBe(1);
  });

  it("lets a waiter through when a slot frees, and times it out otherwise", async () => {
    const gate = createGate({ maxActive: 1, maxWaiting: 1, maxWaitMs: 50, retryAfterSec: 1 });
    const first = await gate.acquire();
    const waiting = gate.acquire();
    expect(gate.waiting).toBe(1);
    first();
    const second = await waiting;
    await expect(gate.acquire()).rejects.toMatchObject({ code: "rate_limited" });
    second();
    expect(gate.active).toBe(0);
  });
});
