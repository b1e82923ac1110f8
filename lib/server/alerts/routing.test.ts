import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { createTestResource, testActor } from "../telemetry/test-fixtures";
import { listAlerts } from "./alerts";
import { createChannel } from "./channels";
import { deliverDue } from "./deliver";
import { evaluateAlerts } from "./evaluate";
import { createRule } from "./rules";

/** Routing by severity, and the Slack-compatible payload, against a loopback receiver (private fetch on in tests). */
const ctx = { requestId: "alerts-routing", ip: null };
const received: { path: string; body: string }[] = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => {
    body += c.toString("utf8");
  });
  req.on("end", () => {
    received.push({ path: req.url ?? "", body });
    res.writeHead(200).end("ok");
  });
});
beforeAll(() => new Promise<void>((r) => server.listen(0, "127.0.0.1", r)));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("routing", () => {
  it("a warning reaches channels from info and warning up, not a critical-only one; Slack gets text and blocks", async () => {
    const { resourceId } = await createTestResource();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const channel = async (name: string, minSeverity: "info" | "warning" | "critical") =>
      (
        await createChannel(
          testActor,
          {
            kind: "slack",
            name: `${name}-${resourceId}`,
            url: `${base}/${name}`,
            minSeverity,
            template: "",
            enabled: true,
          },
          ctx,
        )
      ).channel.id;
    const ids = [
      await channel("info", "info"),
      await channel("warning", "warning"),
      await channel("critical", "critical"),
    ];
    await createRule(
      testActor,
      {
        kind: "jwks_forced_refresh",
        reason: "",
        resourceId,
        threshold: 1,
        windowMin: 5,
        forMin: 0,
        resolveMin: 2,
        renotifyMin: 0,
        severity: "warning",
        enabled: true,
        channelIds: ids,
      },
      ctx,
    );
    const now = Date.now();
    await db().telemetryRollup.create({
      data: {
        grain: 1,
        bucket: Math.floor(now / 60_000),
        resourceId,
        type: "jwks_refresh",
        outcome: "ok",
        reason: "forced",
        dim: "all",
        dimValue: "",
        count: 30,
      },
    });
    await evaluateAlerts({ now: new Date(now) });
    await deliverDue({ now: new Date(now), timeoutMs: 5_000 });
    const [alert] = await listAlerts({ resourceId, limit: 5 });
    expect(alert).toMatchObject({ state: "firing", severity: "warning", value: 6 });
    const mine = received.filter((r) => r.path === "/info" || r.path === "/warning" || r.path === "/critical");
    expect(mine.map((r) => r.path).sort()).toEqual(["/info", "/warning"]);
    const slack = JSON.parse(mine[0]?.body ?? "{}") as {
      text: string;
      blocks: { type: string; text: { text: string } }[];
    };
    expect(slack.text).toMatch(/^\[FIRING\] Forced JWKS refreshes: 6 refreshes\/min/);
    expect(slack.blocks.map((b) => b.type)).toEqual(["section", "section"]);
    expect(slack.blocks[1]?.text.text).toContain("Check:");
  });
});
