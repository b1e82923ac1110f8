/**
 * Issue 10 #12: telemetry poisoning. One resource's credential sending junk must not grow rollups and the
 * instance list without bound, nor push another resource's real tools into "other" on /api/metrics.
 * Through the real intake (receiveTelemetry) with real enforcer credentials.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { registry } from "../prom";
import { CARDINALITY_CAPS, MAX_INSTANCES_PER_RESOURCE, MAX_NEW_VALUES_PER_CREDENTIAL } from "./cardinality";
import { LABEL_CAP_PER_RESOURCE, recordFleetMetrics } from "./fleet-metrics";
import { receiveTelemetry } from "./receive";
import { createTestResource } from "./test-fixtures";

const post = (credential: string, body: unknown) =>
  receiveTelemetry(
    new Request("http://127.0.0.1/api/v1/telemetry", {
      method: "POST",
      headers: {
        authorization: `Bearer ${credential}`,
        "content-type": "application/json",
        "idempotency-key": randomUUID(),
      },
      body: JSON.stringify(body),
    }),
  );
const call = (tool: string, clientId = "agent-1") => ({
  type: "decision",
  at: Date.now(),
  outcome: "allow",
  clientId,
  subject: "alice",
  method: "tools/call",
  tool,
  latencyMs: 1,
});

async function distinct(resourceId: string, dim: string): Promise<string[]> {
  const rows = await db().telemetryRollup.findMany({
    where: { resourceId, dim, grain: 1 },
    distinct: ["dimValue"],
    select: { dimValue: true },
  });
  return rows.map((r) => r.dimValue);
}

describe("telemetry cardinality caps (issue 10 #12)", () => {
  it("folds tools beyond the per-credential window and the per-resource cap into other, and counts them", async () => {
    const { resourceId, credential } = await createTestResource();
    const junk = Array.from({ length: MAX_NEW_VALUES_PER_CREDENTIAL + 100 }, (_, i) => call(`junk-${i}`));
    const first = await post(credential, { events: junk.slice(0, 1000) });
    expect(first.status).toBe(200);
    const second = await post(credential, { events: junk.slice(1000) });
    const bodies = [(await first.json()) as { folded: number }, (await second.json()) as { folded: number }];
    const tools = await distinct(resourceId, "tool");
    expect(tools).toContain("other");
    // The window counts every new value of the credential: the client agent-1 took one.
    expect(tools.length).toBe(Math.min(MAX_NEW_VALUES_PER_CREDENTIAL - 1, CARDINALITY_CAPS.tool) + 1);
    expect((bodies[0]?.folded ?? 0) + (bodies[1]?.folded ?? 0)).toBe(junk.length - (tools.length - 1));
    // A tool already known keeps its name.
    await post(credential, { events: [call("junk-0")] });
    expect(await distinct(resourceId, "tool")).toHaveLength(tools.length);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      new RegExp(`portcullis_fleet_telemetry_folded_total\\{resource_id="${resourceId}",dim="tool"\\} \\d+`),
    );
  });

  it("caps the instances one resource's credential can create", async () => {
    const { resourceId, credential } = await createTestResource();
    const ids = Array.from({ length: MAX_INSTANCES_PER_RESOURCE + 20 }, (_, i) => `ghost-${i}`);
    for (let i = 0; i < ids.length; i += 10) {
      const statuses = await Promise.all(
        ids
          .slice(i, i + 10)
          .map(
            async (id) =>
              (await post(credential, { events: [], instance: { id, host: "h", moduleVersion: "1" } })).status,
          ),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    // Count-then-create is not atomic: batches that race (at most the intake gate's 2-4 writers) may pass together.
    const count = await db().enforcerInstance.count({ where: { resourceId } });
    expect(count).toBeGreaterThanOrEqual(MAX_INSTANCES_PER_RESOURCE);
    expect(count).toBeLessThanOrEqual(MAX_INSTANCES_PER_RESOURCE + 4);
  }, 60_000);

  it("caps Prometheus label values per resource: one resource's junk leaves another's real tools named", async () => {
    const row = (resourceId: string, tool: string) => ({
      grain: 1,
      bucket: 1,
      resourceId,
      type: "decision",
      outcome: "allow",
      reason: "",
      dim: "tool" as const,
      dimValue: tool,
      count: 1,
      latencySum: 0,
      hist: [],
    });
    const noisy = `noisy-${randomUUID()}`;
    const quiet = `quiet-${randomUUID()}`;
    recordFleetMetrics(Array.from({ length: LABEL_CAP_PER_RESOURCE + 50 }, (_, i) => row(noisy, `junk-${i}`)));
    recordFleetMetrics([row(quiet, "read_file")]);
    const text = await registry.metrics();
    expect(text).toContain(
      `portcullis_fleet_tool_invocation_total{resource_id="${quiet}",tool="read_file",outcome="allow"} 1`,
    );
    expect(text).toContain(
      `portcullis_fleet_tool_invocation_total{resource_id="${noisy}",tool="other",outcome="allow"} 50`,
    );
    expect(text).toContain(`portcullis_fleet_label_folded_total{resource_id="${noisy}",label="tool"} 50`);
  });
});
