import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createSinkRoute } from "@/app/api/v1/audit-sinks/route";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "../api-tokens/test-tokens";
import { deliverAuditStreams } from "./deliver";
import { parseRfc5424, syslogReceiver } from "./test-receivers";

/**
 * The "from a terminal" path: with an API token and no browser, a platform engineer creates
 * a syslog sink through /api/v1/audit-sinks and watches the audit events arrive in a syslog receiver,
 * attributed to the token.
 */
const syslog = syslogReceiver();
beforeAll(() => syslog.up());
afterAll(() => syslog.down());

describe("audit streaming from a terminal", () => {
  it("a token creates a syslog sink; its own change arrives as RFC 5424, naming the token", async () => {
    const owner = await createTestAdmin("admin");
    const { token, id: tokenId } = await createTestToken(owner);
    const name = `cli-${Math.random().toString(36).slice(2, 8)}`;
    const res = await createSinkRoute(
      bearerRequest(token, "/api/v1/audit-sinks", {
        method: "POST",
        body: { kind: "syslog", name, host: "127.0.0.1", port: syslog.port, tls: false },
      }),
      routeParams(),
    );
    expect(res.status).toBe(201);
    const { sink } = (await res.json()) as { sink: { id: string } };
    const mine = () => syslog.messages.map(parseRfc5424).filter((m) => m.msg.type === "audit");
    for (let i = 0; i < 20 && mine().length === 0; i++) await deliverAuditStreams({ sinkIds: [sink.id] });
    const [created] = mine();
    expect(created?.msg).toMatchObject({
      action: "audit_sink.create",
      actor: { email: owner.email },
      apiTokenId: tokenId,
      target: { type: "audit_sink", id: sink.id },
      after: { name, kind: "syslog", target: `tcp://127.0.0.1:${syslog.port}` },
    });
    expect(created?.structuredData).toContain(`actor="${owner.email}"`);
  });
});
