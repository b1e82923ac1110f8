import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createConfigClient } from "../lib/enforcer/config/client";
import { createEnforcer } from "../lib/enforcer/enforcer";
import { createTelemetryClient, fanOutSink } from "../lib/enforcer/telemetry/client";
import { createEnforcerMetrics } from "../lib/enforcer/telemetry/metrics";
import type { Enforcer } from "../lib/enforcer/types";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";
import { publishedResource } from "./fixtures/traffic";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

/**
 * Telemetry end to end: a real enforcer (createEnforcer, with the published config fetched by the
 * config client and the telemetry client, both authenticated by a real enforcer credential) handles
 * real tokens from the loopback test IdP; the dashboard in Chromium shows the counts per reason
 * (live, by polling), and the explorer filters down to one failure and exports it as CSV.
 */
function rpc(uri: string, token: string, method: string, params: Record<string, unknown> = {}): Request {
  return new Request(uri, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json",
      "mcp-protocol-version": "2025-11-25",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
}

const mcpServer = async () =>
  Response.json({ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "ok" }] } });

test.describe("telemetry", () => {
  test.use({ storageState: asRole("admin") });
  let idp: TestIdp;
  test.beforeAll(async () => {
    idp = await startTestIdp({ shape: "oidc" });
  });
  test.afterAll(async () => {
    await idp?.close();
  });

  test("enforcer traffic shows per reason on the dashboard; the explorer isolates and exports one failure", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const { resource, secret } = await publishedResource(page.request, idp, "tel");

    // The dashboard, opened before any traffic: the empty state, then live counts without a reload.
    await page.goto(`/?range=15m&resource=${resource.id}`);
    await expect(page.getByRole("heading", { name: "No telemetry yet: connect your first enforcer" })).toBeVisible();
    await page.screenshot({ path: "/tmp/telemetry-empty.png", fullPage: true });

    const config = createConfigClient({
      url: E2E.baseUrl,
      credential: secret,
      jwks: `${E2E.baseUrl}/.well-known/portcullis-jwks.json`,
      resourceId: resource.id,
    });
    await config.start();
    expect(config.policy()?.resource.uri).toBe(resource.uri);
    const telemetry = createTelemetryClient({
      url: E2E.baseUrl,
      credential: secret,
      instance: { id: "e2e-enforcer-1", host: "playwright", moduleVersion: "e2e" },
      flushIntervalMs: 250,
    });
    const metrics = createEnforcerMetrics({ telemetry });
    const enforcer: Enforcer = createEnforcer({ policy: () => config.policy(), sink: fanOutSink(metrics, telemetry) });
    try {
      const valid = await idp.mintAccessToken({ sub: "alice", clientId: "agent-ok", scopes: ["mcp:tools"] });
      const expired = await idp.mintAccessToken({ sub: "bob", clientId: "agent-old", expiresInSec: -300 });
      const wrongAud = await idp.mintAccessToken({
        sub: "carol",
        clientId: "agent-aud",
        audience: "api://someone-else",
      });
      const statuses: number[] = [];
      const send = async (req: Request) => statuses.push((await enforcer.handle(req, mcpServer)).status);
      for (let i = 0; i < 3; i++)
        await send(rpc(resource.uri, valid, "tools/call", { name: "read_file", arguments: {} }));
      for (let i = 0; i < 2; i++) await send(rpc(resource.uri, expired, "tools/call", { name: "read_file" }));
      await send(rpc(resource.uri, wrongAud, "tools/call", { name: "read_file" }));
      await send(rpc(resource.uri, valid, "tools/call", { name: "delete_file" }));
      expect(statuses).toEqual([200, 200, 200, 401, 401, 401, 403]);
      expect(metrics.render()).toContain('mcp_auth_failure_total{reason="token_expired"} 2');

      // No flush() call: the client's own 250 ms loop ships the events; the page polls every 5 s.
      const reasons = page.getByRole("list", { name: "Failures by reason" });
      const countOf = (reason: string) => reasons.locator(`li[data-reason="${reason}"] [data-count]`);
      await expect(countOf("token_expired")).toHaveText("2", { timeout: 15_000 });
      await expect(countOf("audience_mismatch")).toHaveText("1");
      await expect(countOf("tool_not_allowed")).toHaveText("1");
      await expect(reasons.locator("li")).toHaveCount(3);
      await expect(page.locator('[data-kpi="Requests"]')).toHaveText("7");
      await expect(page.locator('[data-kpi="Failures"]')).toHaveText("4");
      await expect(page.locator('[data-kpi="Tool calls"]')).toHaveText("3");
      await expect(page.locator('[data-kpi="Enforcers online"]')).toHaveText("1");
      // 7 decisions plus the JWKS fetch(es) of the token validator.
      expect(telemetry.stats()).toMatchObject({ dropped: 0, rejected: 0, queued: 0 });
      expect(telemetry.stats().sent).toBeGreaterThanOrEqual(8);
      await page.screenshot({ path: "/tmp/telemetry-overview.png", fullPage: true });

      // The same charts on the resource's own page.
      await page.goto(`/resources/${resource.id}`);
      await expect(page.getByRole("heading", { name: "Telemetry" })).toBeVisible();
      await expect(
        page.getByRole("list", { name: "Failures by reason" }).locator('li[data-reason="token_expired"] [data-count]'),
      ).toHaveText("2");

      await page.getByRole("heading", { name: "Telemetry" }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: "/tmp/telemetry-resource.png", fullPage: true });

      // Explorer: filter down to the one audience failure of this resource.
      await page.goto(`/events?resource=${resource.id}&type=decision`);
      await expect(page.locator("tbody tr")).toHaveCount(7);
      await page.getByLabel("Outcome").selectOption("deny");
      await page.getByLabel("Reason").selectOption("audience_mismatch");
      await page.getByRole("button", { name: "Filter" }).click();
      await expect(page).toHaveURL(/reason=audience_mismatch/);
      const rows = page.locator("tbody tr");
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText("audience_mismatch");
      await page.screenshot({ path: "/tmp/telemetry-events.png", fullPage: true });

      await rows
        .first()
        .getByRole("button", { name: /Details of event/ })
        .click();
      const drawer = page.getByRole("dialog");
      await expect(drawer).toContainText("Audience mismatch");
      await expect(drawer).toContainText("api:// prefix included");
      await expect(drawer).toContainText(resource.name);
      await page.screenshot({ path: "/tmp/telemetry-drawer.png" });
      await drawer.getByRole("button", { name: "Close" }).click();

      const downloading = page.waitForEvent("download");
      await page.getByRole("link", { name: "Export CSV" }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/^portcullis-events-.*\.csv$/);
      const csv = readFileSync((await download.path()) ?? "", "utf8")
        .trimEnd()
        .split("\r\n");
      expect(csv).toHaveLength(2);
      expect(csv[0]).toBe(
        '"id","at","resource","resource_id","instance","type","outcome","reason","client_id","subject","tool","method","latency_ms","data"',
      );
      expect(csv[1]).toContain(
        `,"${resource.name}","${resource.id}","e2e-enforcer-1","decision","deny","audience_mismatch",`,
      );

      // The reason links to its explanation.
      await page.getByRole("link", { name: "audience_mismatch" }).first().click();
      await expect(page).toHaveURL(/\/events\/reasons#audience_mismatch$/);
      await expect(page.locator("#audience_mismatch")).toContainText("aud must match exactly");
      await page.screenshot({ path: "/tmp/telemetry-reasons.png", fullPage: true });
    } finally {
      await telemetry.close();
      config.stop();
    }
  });

  test("a viewer sees the dashboards and the explorer", async ({ browser }) => {
    const ctx = await browser.newContext({ storageState: asRole("viewer") });
    const page = await ctx.newPage();
    await page.goto("/?range=1h");
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "1 hour" })).toHaveAttribute("aria-pressed", "true");
    await page.goto("/events");
    await expect(page.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
    const api = await page.request.get("/api/v1/telemetry/overview?range=15m");
    expect(api.status()).toBe(200);
    await ctx.close();
  });
});
