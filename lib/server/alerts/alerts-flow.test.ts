import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * End to end, real everything on loopback: a real enforcer (createEnforcer + the telemetry client)
 * sends failing traffic to the REAL telemetry route; the evaluator (called directly, with a clock
 * moved forward a minute per cycle) fires, notifies a real webhook receiver (HMAC + timestamp
 * verified) and a real SMTP server (smtp-server), then resolves once the traffic stops: exactly one
 * notification per transition and channel.
 */
const mails: { to: string[]; body: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  onData(stream, session, done) {
    let body = "";
    stream.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    stream.on("end", () => {
      // Quoted-printable soft line breaks joined back, so assertions read the text.
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body: body.replace(/=\r\n/g, "") });
      done();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
// Before any lib/server module parses the environment (env() is lazy and cached per test file).
process.env.SMTP_HOST = "127.0.0.1";
process.env.SMTP_PORT = String((smtp.server.address() as AddressInfo).port);
process.env.ALLOW_PRIVATE_NETWORK_FETCH = "true";

const { POST: telemetryRoute } = await import("@/app/api/v1/telemetry/route");
const { createEnforcer, createMemoryRateLimiter, createTelemetryClient } = await import("@/lib/enforcer");
const { startJwksServer } = await import("@/lib/enforcer/test-utils/jwks-server");
const { createTestKey, createToken } = await import("@/lib/enforcer/test-utils/keys");
const { testPolicy, TEST_AUDIENCE, TEST_ISSUER, TEST_RESOURCE } = await import("@/lib/enforcer/test-utils/policy");
const { serveRoutes } = await import("../enforcers/test-http");
const { createTestResource, testActor } = await import("../telemetry/test-fixtures");
const { db } = await import("../db");
const { verifyAuditChain } = await import("../audit");
const { acknowledgeAlert, listAlerts, getAlert } = await import("./alerts");
const { createChannel } = await import("./channels");
const { deliverDue } = await import("./deliver");
const { evaluateAlerts } = await import("./evaluate");
const { createRule } = await import("./rules");
const { sendTestNotification } = await import("./send-test");
const { verifySignature } = await import("./signature");

const ctx = { requestId: "alerts-flow", ip: "127.0.0.1" };
interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  receivedAtSec: number;
}
const hooks: Hook[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => {
    body += c.toString("utf8");
  });
  req.on("end", () => {
    hooks.push({ headers: req.headers, body, receivedAtSec: Math.floor(Date.now() / 1000) });
    res.writeHead(204).end();
  });
});

let controlPlane: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  controlPlane = await serveRoutes({ "POST /api/v1/telemetry": telemetryRoute });
});
afterAll(async () => {
  await controlPlane?.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await new Promise((r) => smtp.close(() => r(undefined)));
});

const MINUTE = 60_000;
const mcpServer = async () => Response.json({ jsonrpc: "2.0", id: 1, result: { content: [] } });
const rpc = (token: string, tool = "read_file") =>
  new Request(TEST_RESOURCE, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: {} } }),
  });

describe("alerts end to end", () => {
  it("fires from real enforcer traffic within two cycles, notifies webhook and e-mail once per transition, resolves when traffic stops", async () => {
    const { resourceId, credential } = await createTestResource();
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const webhook = await createChannel(
      testActor,
      { kind: "webhook", name: `hook-${resourceId}`, url: hookUrl, minSeverity: "info", template: "", enabled: true },
      ctx,
    );
    expect(webhook.signingSecret).toMatch(/^whsec_/);
    const email = await createChannel(
      testActor,
      {
        kind: "email",
        name: `mail-${resourceId}`,
        to: "oncall@example.test",
        minSeverity: "warning",
        template: "",
        enabled: true,
      },
      ctx,
    );
    // Per-resource overrides of the fleet rules: this resource only, tuned low for a short test.
    const authRule = await createRule(
      testActor,
      {
        kind: "auth_failures",
        reason: "",
        resourceId,
        threshold: 2,
        windowMin: 5,
        forMin: 1,
        resolveMin: 4,
        renotifyMin: 0,
        severity: "warning",
        enabled: true,
        channelIds: [webhook.channel.id, email.channel.id],
      },
      ctx,
    );
    const limitRule = await createRule(
      testActor,
      {
        kind: "rate_limit_client",
        reason: "",
        resourceId,
        threshold: 1,
        windowMin: 5,
        forMin: 0,
        resolveMin: 1,
        renotifyMin: 0,
        enabled: true,
        channelIds: [],
      },
      ctx,
    );

    // The real enforcer: wrong-audience tokens (401 audience_mismatch) and one client over its tool limit.
    const key = createTestKey();
    const jwks = await startJwksServer([key.jwk]);
    const telemetry = createTelemetryClient({
      url: controlPlane.url,
      credential,
      instance: { id: "alerts-e2e", host: "vitest", moduleVersion: "test" },
      flushIntervalMs: 100,
    });
    const enforcer = createEnforcer({
      policy: testPolicy(jwks.url, { rateLimits: { toolInvocationsPerMin: 2 } } as never),
      sink: telemetry,
      rateLimiter: createMemoryRateLimiter(),
    });
    const nowSec = Math.floor(Date.now() / 1000);
    const wrongAud = createToken(key, { iss: TEST_ISSUER, aud: "api://someone-else", nowSec, azp: "agent-aud" });
    const good = createToken(key, {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      nowSec,
      azp: "agent-loop",
      scope: "mcp:tools",
    });
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 20; i++) statuses.push((await enforcer.handle(rpc(wrongAud), mcpServer)).status);
      for (let i = 0; i < 10; i++) statuses.push((await enforcer.handle(rpc(good), mcpServer)).status);
      await telemetry.flush();
    } finally {
      await telemetry.close();
      await jwks.close();
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(await db().telemetryEvent.count({ where: { resourceId } })).toBeGreaterThanOrEqual(30);

    const t0 = Date.now();
    const cycle = async (minutes: number) => {
      const r = await evaluateAlerts({ now: new Date(t0 + minutes * MINUTE) });
      expect(r.ran).toBe(true);
      await deliverDue({ now: new Date(t0 + minutes * MINUTE), timeoutMs: 5_000 });
      return r;
    };
    const mine = async () => (await listAlerts({ resourceId, limit: 100 })).filter((a) => a.ruleId === authRule.id);

    // Cycle 1: condition true, pending (forMin 1). Nothing is sent yet.
    await cycle(0);
    expect((await mine()).map((a) => a.state)).toEqual(["pending"]);
    expect(hooks).toHaveLength(0);
    // The rate-limit rule (forMin 0) fires at once and names the client.
    const limited = (await listAlerts({ resourceId, limit: 100 })).filter((a) => a.ruleId === limitRule.id);
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ state: "firing", key: "agent-loop" });
    expect(limited[0]?.summary).toContain("client agent-loop");

    // Cycle 2: still true a minute later: firing, one webhook and one e-mail.
    await cycle(1);
    const [firing] = await mine();
    expect(firing?.state).toBe("firing");
    // Every denial counts as an authentication failure (as mcp_auth_failure_total does): 20 audience
    // mismatches and the rate-limited calls, over a 5-minute window.
    const limitedCalls = statuses.filter((s) => s === 429).length;
    expect(firing?.value).toBeCloseTo((20 + limitedCalls) / 5);
    expect(hooks).toHaveLength(1);
    const hook = hooks[0] as Hook;
    const sig = String(hook.headers["portcullis-signature"]);
    expect(verifySignature(webhook.signingSecret ?? "", sig, hook.body, hook.receivedAtSec)).toEqual({
      ok: true,
      timestampSec: expect.any(Number),
    });
    // Replayed ten minutes later, or with a body changed by one byte: refused.
    expect(verifySignature(webhook.signingSecret ?? "", sig, hook.body, hook.receivedAtSec + 600).ok).toBe(false);
    expect(verifySignature(webhook.signingSecret ?? "", sig, `${hook.body} `, hook.receivedAtSec).ok).toBe(false);
    const payload = JSON.parse(hook.body) as { type: string; alert: Record<string, unknown> };
    expect(payload.type).toBe("alert.firing");
    expect(payload.alert).toMatchObject({ id: firing?.id, state: "firing", threshold: 2, value: firing?.value });
    expect(String(payload.alert.eventsUrl)).toContain(`resource=${resourceId}`);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(["oncall@example.test"]);
    expect(mails[0]?.body).toContain("Authentication failures");
    expect(mails[0]?.body).toContain("aud must match exactly");

    // Cycle 3: still true: no repeated notification (re-notify 0 = never).
    await cycle(2);
    expect(hooks).toHaveLength(1);
    expect(mails).toHaveLength(1);

    // Acknowledged (audited), then the traffic has stopped: the window slides past it and it resolves.
    await acknowledgeAlert(testActor, firing?.id ?? "", "looking at the IdP app registration", ctx);
    const audit = await db().auditEvent.findFirst({ where: { action: "alert.acknowledge", targetId: firing?.id } });
    expect(audit?.actorEmail).toBe(testActor.email);
    // Minute 5: the 5-minute window no longer holds the traffic; last true at minute 2, so still
    // inside the 4-minute resolve window (flap damping). Minute 6: resolved.
    await cycle(5);
    expect((await mine())[0]?.state).toBe("acknowledged");
    expect(hooks).toHaveLength(1);
    await cycle(6);
    expect((await mine())[0]).toMatchObject({ state: "resolved", resolvedBy: "evaluator" });
    expect(hooks).toHaveLength(2);
    expect(JSON.parse(hooks[1]?.body ?? "{}")).toMatchObject({ type: "alert.resolved" });
    expect(mails).toHaveLength(2);
    await cycle(7);
    expect(hooks).toHaveLength(2);
    expect(mails).toHaveLength(2);

    const { deliveries } = await getAlert(firing?.id ?? "");
    expect(deliveries.map((d) => [d.event, d.status, d.attempts]).sort()).toEqual([
      ["firing", "delivered", 1],
      ["firing", "delivered", 1],
      ["resolved", "delivered", 1],
      ["resolved", "delivered", 1],
    ]);
    expect((await verifyAuditChain()).ok).toBe(true);

    // Send test: one more signed delivery, logged.
    const test = await sendTestNotification(testActor, webhook.channel.id, ctx);
    expect(test).toEqual({ status: "delivered", attempts: 1, lastError: null });
    expect(JSON.parse(hooks[2]?.body ?? "{}")).toMatchObject({ type: "alert.test" });
  });

  it("a failing channel is retried with backoff and does not hold up a working one", async () => {
    const { resourceId } = await createTestResource();
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const good = await createChannel(
      testActor,
      { kind: "webhook", name: `ok-${resourceId}`, url: hookUrl, minSeverity: "info", template: "", enabled: true },
      ctx,
    );
    // Nothing listens on port 9 of loopback: connection refused.
    const bad = await createChannel(
      testActor,
      {
        kind: "slack",
        name: `down-${resourceId}`,
        url: "http://127.0.0.1:9/services/x",
        minSeverity: "info",
        template: "{{state}} {{rule}}",
        enabled: true,
      },
      ctx,
    );
    await createRule(
      testActor,
      {
        kind: "jwks_unavailable",
        reason: "",
        resourceId,
        threshold: 1,
        windowMin: 5,
        forMin: 0,
        resolveMin: 1,
        renotifyMin: 0,
        enabled: true,
        channelIds: [good.channel.id, bad.channel.id],
      },
      ctx,
    );
    const now = Date.now();
    await db().telemetryRollup.create({
      data: {
        grain: 1,
        bucket: Math.floor(now / MINUTE),
        resourceId,
        type: "decision",
        outcome: "deny",
        reason: "jwks_unavailable",
        dim: "all",
        dimValue: "",
        count: 3,
      },
    });
    const before = hooks.length;
    await evaluateAlerts({ now: new Date(now) });
    await deliverDue({ now: new Date(now), timeoutMs: 2_000, retryBaseMs: 1_000 });
    expect(hooks.length).toBe(before + 1);
    const [alert] = await listAlerts({ resourceId, limit: 10 });
    const log = (await getAlert(alert?.id ?? "")).deliveries;
    const failed = log.find((d) => d.channelId === bad.channel.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });
    expect(failed?.lastError).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(log.find((d) => d.channelId === good.channel.id)).toMatchObject({ status: "delivered", attempts: 1 });
    const row = await db().alertDelivery.findUniqueOrThrow({ where: { id: failed?.id ?? "" } });
    const delay = row.nextAttemptAt.getTime() - Date.now();
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(1_500);
  });
});
