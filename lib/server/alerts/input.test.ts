import { afterAll, describe, expect, it, vi } from "vitest";
import type { ZodType } from "zod";
import { AlertChannelCreate, AlertRuleCreate, AlertRuleUpdate, TEMPLATE_MAX } from "@/lib/schemas/alerts";
import { errorResponse } from "../api";
import { db } from "../db";
import { createTestResource, testActor } from "../telemetry/test-fixtures";
import { createChannel } from "./channels";
import { createRule, updateRule } from "./rules";

/**
 * Bad input, through the same parse → data function → error mapping the route handlers use
 * (readJson parses with the schema; withAdmin maps errors with errorResponse): exact status, code
 * and field, and nothing saved. This file runs with ALLOW_PRIVATE_NETWORK_FETCH=false (the test
 * setup turns it on for loopback IdPs; env() is parsed lazily, per test file).
 */
// Hoisted above the imports: some of them parse the environment when loaded.
const previous = vi.hoisted(() => {
  const before = process.env.ALLOW_PRIVATE_NETWORK_FETCH;
  process.env.ALLOW_PRIVATE_NETWORK_FETCH = "false";
  return before;
});
afterAll(() => {
  process.env.ALLOW_PRIVATE_NETWORK_FETCH = previous;
});
const ctx = { requestId: "alerts-input", ip: null };

async function call<T>(schema: ZodType<T>, body: unknown, fn: (input: T) => Promise<unknown>) {
  try {
    await fn(schema.parse(body));
    return { status: 200, error: null };
  } catch (err) {
    const res = errorResponse(err, "t");
    const { error } = (await res.json()) as { error: { code: string; fields?: Record<string, string[]> } };
    return { status: res.status, error };
  }
}

describe("alert rules: bad input", () => {
  const ok = { kind: "auth_failures", threshold: 10, windowMin: 5 };
  const cases: [string, Record<string, unknown>, number, string, string][] = [
    ["threshold 0", { ...ok, threshold: 0 }, 422, "invalid_input", "threshold"],
    ["negative threshold", { ...ok, threshold: -5 }, 422, "invalid_input", "threshold"],
    ["threshold not a number", { ...ok, threshold: "lots" }, 422, "invalid_input", "threshold"],
    ["unknown reason", { ...ok, reason: "bad_vibes" }, 422, "invalid_input", "reason"],
    ["reason on another kind", { ...ok, kind: "obo_p99", reason: "unknown_kid" }, 422, "invalid_input", "reason"],
    ["unknown kind", { ...ok, kind: "cpu_high" }, 422, "invalid_input", "kind"],
    ["window 0", { ...ok, windowMin: 0 }, 422, "invalid_input", "windowMin"],
    ["error rate above 100 %", { ...ok, kind: "obo_error_rate", threshold: 150 }, 422, "invalid_input", "threshold"],
    ["fixed window changed", { ...ok, kind: "enforcer_silent", windowMin: 7 }, 422, "invalid_input", "windowMin"],
    ["unknown resource", { ...ok, resourceId: "nope" }, 422, "invalid_input", "resourceId"],
    ["unknown channel", { ...ok, channelIds: ["nope"] }, 422, "invalid_input", "channelIds"],
    ["bad severity", { ...ok, severity: "panic" }, 422, "invalid_input", "severity"],
  ];
  it.each(cases)("%s → %i %s on %s, nothing saved", async (_name, body, status, code, field) => {
    const { resourceId } = await createTestResource();
    const input = { ...body, resourceId: body.resourceId ?? resourceId };
    const before = await db().alertRule.count();
    const audits = await db().auditEvent.count();
    const r = await call(AlertRuleCreate, input, (i) => createRule(testActor, i, ctx));
    expect([r.status, r.error?.code]).toEqual([status, code]);
    expect(Object.keys(r.error?.fields ?? {})).toContain(field);
    expect(await db().alertRule.count()).toBe(before);
    expect(await db().auditEvent.count()).toBe(audits);
  });

  it("an update to threshold 0 is refused and the rule keeps its value", async () => {
    const { resourceId } = await createTestResource();
    const rule = await createRule(testActor, AlertRuleCreate.parse({ kind: "obo_p99", resourceId }), ctx);
    const r = await call(AlertRuleUpdate, { threshold: 0 }, (i) => updateRule(testActor, rule.id, i, ctx));
    expect([r.status, r.error?.code, Object.keys(r.error?.fields ?? {})]).toEqual([
      422,
      "invalid_input",
      ["threshold"],
    ]);
    expect((await db().alertRule.findUniqueOrThrow({ where: { id: rule.id } })).threshold).toBe(2000);
  });

  it("a second rule of the same kind, reason and scope is a conflict", async () => {
    const { resourceId } = await createTestResource();
    await createRule(
      testActor,
      AlertRuleCreate.parse({ kind: "auth_failures", reason: "unknown_kid", resourceId }),
      ctx,
    );
    const r = await call(AlertRuleCreate, { kind: "auth_failures", reason: "unknown_kid", resourceId }, (i) =>
      createRule(testActor, i, ctx),
    );
    expect([r.status, r.error?.code]).toEqual([409, "conflict"]);
  });
});

describe("alert channels: bad input", () => {
  const hook = (over: Record<string, unknown>) => ({ kind: "webhook", name: `ch-${crypto.randomUUID()}`, ...over });
  const cases: [string, Record<string, unknown>, string][] = [
    ["loopback webhook", hook({ url: "https://127.0.0.1/hook" }), "url"],
    ["private 10/8 webhook", hook({ url: "https://10.1.2.3/hook" }), "url"],
    ["cloud metadata", hook({ url: "https://169.254.169.254/latest" }), "url"],
    ["IPv6 loopback", hook({ url: "https://[::1]/hook" }), "url"],
    ["IPv4-mapped IPv6 private", hook({ url: "https://[::ffff:192.168.1.1]/hook" }), "url"],
    ["localhost by name", hook({ url: "https://localhost/hook" }), "url"],
    ["plain http", hook({ url: "http://hooks.example.com/x" }), "url"],
    ["not a URL", hook({ url: "hooks" }), "url"],
    ["credentials in the URL", hook({ url: "https://u:p@hooks.example.com/" }), "url"],
    ["oversized template", hook({ url: "https://8.8.8.8/x", template: "x".repeat(TEMPLATE_MAX + 1) }), "template"],
    ["unknown placeholder", hook({ url: "https://8.8.8.8/x", template: "{{secret}}" }), "template"],
    ["bad e-mail", { kind: "email", name: "m", to: "not-an-address" }, "to"],
    ["unknown kind", { kind: "pager", name: "p" }, "kind"],
  ];
  it.each(cases)("%s → 422 on %s, nothing saved", async (_name, body, field) => {
    const before = await db().alertChannel.count();
    const r = await call(AlertChannelCreate, body, (i) => createChannel(testActor, i, ctx));
    expect([r.status, r.error?.code]).toEqual([422, "invalid_input"]);
    expect(Object.keys(r.error?.fields ?? {})).toContain(field);
    expect(await db().alertChannel.count()).toBe(before);
  });

  it("a public webhook is saved; its signing secret is returned once and stored only encrypted", async () => {
    const body = hook({ url: "https://8.8.8.8/hooks/portcullis?token=abc" });
    const { channel, signingSecret } = await createChannel(testActor, AlertChannelCreate.parse(body), ctx);
    expect(signingSecret).toMatch(/^whsec_/);
    expect(channel.target).toBe("https://8.8.8.8");
    const row = await db().alertChannel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(row.configEnc).not.toContain(signingSecret ?? "");
    expect(row.configEnc).not.toContain("token=abc");
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { action: "alert_channel.create", targetId: channel.id },
    });
    expect(audit.after).not.toContain(signingSecret ?? "");
    expect(audit.after).not.toContain("token=abc");
  });
});
