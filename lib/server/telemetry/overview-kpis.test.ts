import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { instanceKey } from "../enforcers/instances";
import { ingestBatch } from "./ingest";
import { getOverview } from "./overview";
import { createTestResource } from "./test-fixtures";

/** Issue 13 #14: what the Overview's "Enforcers online" and "Tool calls" count, exactly. */
describe("overview KPIs", () => {
  it("counts as online only the instances seen in the last 2 minutes, whatever the range", async () => {
    const { resourceId } = await createTestResource();
    const now = new Date();
    const seen = (id: string, secondsAgo: number) =>
      db().enforcerInstance.create({
        data: {
          id: instanceKey(resourceId, id),
          resourceId,
          host: id,
          moduleVersion: "test",
          lastSeenAt: new Date(now.getTime() - secondsAgo * 1000),
        },
      });
    await seen("fresh", 5);
    await seen("edge", 110);
    await seen("gone", 130);
    await seen("yesterday", 86_400);
    for (const range of ["15m", "24h", "30d"] as const) {
      expect((await getOverview({ range, resourceId }, now)).kpis.enforcersOnline).toBe(2);
    }
  });

  it("reports allowed tool calls and every attempted call side by side", async () => {
    const { resourceId } = await createTestResource();
    const at = Date.now() - 60_000;
    const call = (outcome: "allow" | "deny", tool: string) => ({
      type: "decision" as const,
      at,
      outcome,
      latencyMs: 1,
      clientId: "c",
      method: "tools/call",
      tool,
      ...(outcome === "deny" ? { reason: "tool_not_allowed" } : {}),
    });
    const events = [call("allow", "read"), call("allow", "read"), call("deny", "delete"), call("deny", "read")];
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i", events });
    const { kpis } = await getOverview({ range: "1h", resourceId });
    expect([kpis.toolCalls, kpis.toolCallsTotal]).toEqual([2, 4]);
  });
});
