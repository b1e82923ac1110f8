/**
 * Issue 22 point 7: the request's MCP clientInfo travels in the decision columns, is stored in the rollups
 * (dim "software", bounded per batch) and comes back per resource in the overview.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeTelemetryBatch } from "@/lib/enforcer/telemetry/batch";
import type { TelemetryEvent } from "@/lib/enforcer/telemetry/types";
import { ingestBatch } from "./ingest";
import { getOverview } from "./overview";
import { MAX_SOFTWARE_PER_BATCH } from "./rows";
import { createTestResource } from "./test-fixtures";
import { parseBatch } from "./wire";

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 30, 20));
const at = NOW.getTime() - 2 * 60_000;
const parse = (json: string) => parseBatch(JSON.parse(json), { now: NOW.getTime(), maxAgeMs: 86_400_000 });

function decision(clientName?: string, clientVersion?: string): TelemetryEvent {
  return {
    type: "decision",
    at,
    outcome: "allow",
    resource: "r",
    method: "tools/list",
    latencyMs: 1,
    clientName,
    clientVersion,
  };
}

describe("client software per resource", () => {
  it("decodes the clientInfo columns, ignores their absence, and ranks name/version pairs per resource", async () => {
    const { resourceId } = await createTestResource();
    const other = await createTestResource();
    const events = [
      ...Array.from({ length: 5 }, () => decision("Claude Desktop", "2.4.1")),
      ...Array.from({ length: 2 }, () => decision("mcp-remote", "0.15.1")),
      decision(),
    ];
    const batch = parse(encodeTelemetryBatch({ id: "i-1" }, events));
    expect(batch.events.filter((e) => e.type === "decision" && e.clientName === "Claude Desktop")).toHaveLength(5);
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i-1", events: batch.events });
    // A batch from an enforcer that predates the columns.
    const old = parse(encodeTelemetryBatch({ id: "i-2" }, [decision(), decision()]));
    await ingestBatch({
      resourceId: other.resourceId,
      idempotencyKey: randomUUID(),
      instanceId: "i-2",
      events: old.events,
    });

    const o = await getOverview({ range: "1h", resourceId }, NOW);
    expect(o.clientSoftware).toEqual([
      { name: "Claude Desktop", version: "2.4.1", requests: 5 },
      { name: "mcp-remote", version: "0.15.1", requests: 2 },
    ]);
    expect(o.kpis.requests).toBe(8);
    expect((await getOverview({ range: "1h", resourceId: other.resourceId }, NOW)).clientSoftware).toEqual([]);
  });

  it("folds name/version pairs past the per-batch bound into (other)", async () => {
    const { resourceId } = await createTestResource();
    const events = Array.from({ length: MAX_SOFTWARE_PER_BATCH + 10 }, (_, i) => decision(`bot-${i}`, "1"));
    const batch = parse(encodeTelemetryBatch({ id: "i-1" }, events));
    await ingestBatch({ resourceId, idempotencyKey: randomUUID(), instanceId: "i-1", events: batch.events });
    const o = await getOverview({ range: "1h", resourceId }, NOW);
    expect(o.clientSoftware.find((s) => s.name === "(other)")?.requests).toBe(10);
  });
});
