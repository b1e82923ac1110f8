import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { createEnforcer } from "../lib/enforcer/enforcer";
import { createTelemetryClient } from "../lib/enforcer/telemetry/client";
import { testPolicy } from "../lib/enforcer/test-utils/policy";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * Alerts in the browser: a real enforcer sends failing traffic (no token: 401 token_missing) through
 * the real telemetry API; the server's own evaluator (every 3 s in e2e) fires the rule routed to a
 * loopback webhook; the Alerts page shows it with the navigation badge, an admin acknowledges it, and
 * the acknowledgement is in the audit trail. Viewers see rules and alerts but no controls.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function body<T>(res: Awaited<ReturnType<APIRequestContext["post"]>>, status: number): Promise<T> {
  expect(res.status(), await res.text()).toBe(status);
  return (await res.json()) as T;
}

test.describe("alerts", () => {
  test.use({ storageState: asRole("admin") });
  const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    req.on("end", () => {
      hooks.push({ headers: req.headers, body: text });
      res.writeHead(204).end();
    });
  });
  test.beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  });
  test.afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  test("fires from enforcer traffic, shows with a badge, is acknowledged and audited", async ({ page }) => {
    test.setTimeout(120_000);
    const tag = unique();
    const { request } = page;

    // The seed's five DOMAIN.md thresholds are on by default.
    const { rules } = await body<{ rules: { kind: string; reason: string; resourceId: string; enabled: boolean }[] }>(
      await request.get("/api/v1/alert-rules"),
      200,
    );
    const fleetOn = rules.filter((r) => !r.resourceId && !r.reason && r.enabled).map((r) => r.kind);
    expect(fleetOn.sort()).toEqual(
      ["auth_failures", "jwks_forced_refresh", "obo_p99", "rate_limit_client", "token_refresh_spike"].sort(),
    );

    const { idpProfile } = await body<{ idpProfile: { id: string } }>(
      await request.post("/api/v1/idp-profiles", {
        data: {
          name: `al-idp-${tag}`,
          kind: "oidc",
          issuer: "https://idp.example.com/",
          jwksUri: "https://idp.example.com/jwks",
        },
      }),
      201,
    );
    const { resource } = await body<{ resource: { id: string; name: string; uri: string } }>(
      await request.post("/api/v1/resources", {
        data: {
          name: `al-${tag}`,
          uri: `https://al-${tag}.example.com/mcp`,
          idpProfileId: idpProfile.id,
          audiences: ["api://al"],
        },
      }),
      201,
    );
    const { secret } = await body<{ secret: string }>(
      await request.post(`/api/v1/resources/${resource.id}/credentials`, { data: { name: "alerts e2e" } }),
      201,
    );
    const port = (receiver.address() as AddressInfo).port;
    const { channel, signingSecret } = await body<{ channel: { id: string }; signingSecret: string }>(
      await request.post("/api/v1/alert-channels", {
        data: { kind: "webhook", name: `hook-${tag}`, url: `http://127.0.0.1:${port}/hook` },
      }),
      201,
    );
    expect(signingSecret).toMatch(/^whsec_/);

    // Bad input is refused with a field error and nothing saved.
    const bad = await body<{ error: { code: string; fields: Record<string, string[]> } }>(
      await request.post("/api/v1/alert-rules", {
        data: { kind: "auth_failures", resourceId: resource.id, threshold: 0 },
      }),
      422,
    );
    expect(bad.error.code).toBe("invalid_input");
    expect(Object.keys(bad.error.fields)).toEqual(["threshold"]);

    const { rule } = await body<{ rule: { id: string; name: string } }>(
      await request.post("/api/v1/alert-rules", {
        data: {
          kind: "auth_failures",
          resourceId: resource.id,
          name: `Failures on al-${tag}`,
          threshold: 1,
          windowMin: 1,
          forMin: 0,
          resolveMin: 5,
          channelIds: [channel.id],
        },
      }),
      201,
    );

    const telemetry = createTelemetryClient({
      url: E2E.baseUrl,
      credential: secret,
      instance: { id: `al-${tag}`, host: "playwright", moduleVersion: "e2e" },
      flushIntervalMs: 250,
    });
    const enforcer = createEnforcer({
      policy: testPolicy("https://idp.example.com/jwks", { resource: { uri: resource.uri, name: resource.name } }),
      sink: telemetry,
    });
    try {
      for (let i = 0; i < 12; i++) {
        const res = await enforcer.handle(
          new Request(resource.uri, {
            method: "POST",
            headers: { "content-type": "application/json", "mcp-protocol-version": "2025-06-18" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
          }),
          async () => Response.json({}),
        );
        expect(res.status).toBe(401);
      }
      await telemetry.flush();
    } finally {
      await telemetry.close();
    }

    // The evaluator runs every 3 s on the server: the alert appears, the badge counts it.
    const alert = page.locator(`ul[aria-label="Open alerts"] li`, { hasText: `Failures on al-${tag}` });
    await expect(async () => {
      await page.goto("/alerts");
      await expect(alert).toHaveAttribute("data-state", "firing", { timeout: 1_000 });
    }).toPass({ timeout: 60_000 }); // a few cycles; more when the machine is busy with other specs
    // The navigation is rendered twice (the side bar, and the menu below 768 px): the visible one counts.
    await expect(page.getByTestId("nav-badge-/alerts").filter({ visible: true })).toBeVisible();
    await expect(alert).toContainText("aud must match exactly");
    const events = alert.getByRole("link", { name: "Events in this window" });
    await expect(events).toHaveAttribute("href", new RegExp(`resource=${resource.id}.*outcome=deny`));
    await page.screenshot({ path: "/tmp/alerts-firing.png", fullPage: true });

    // One signed webhook for the firing transition.
    await expect.poll(() => hooks.length, { timeout: 15_000 }).toBe(1);
    expect(String(hooks[0]?.headers["portcullis-signature"])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(hooks[0]?.body ?? "{}")).toMatchObject({
      type: "alert.firing",
      alert: { rule: { id: rule.id } },
    });

    await alert.getByLabel(/Acknowledgement note/).fill("checking the client config");
    await alert.getByRole("button", { name: /^Acknowledge/ }).click();
    await expect(alert).toHaveAttribute("data-state", "acknowledged");
    await expect(alert).toContainText("checking the client config");

    await page.goto("/audit?action=alert.acknowledge");
    await expect(page.locator("tbody tr").filter({ hasText: "alert.acknowledge" }).first()).toBeVisible();

    // Still failing a few cycles later: no second notification (acknowledged, re-notify off).
    await page.waitForTimeout(7_000);
    expect(hooks).toHaveLength(1);
  });

  test("a viewer reads alerts and rules but gets no controls", async ({ browser }) => {
    const ctx = await browser.newContext({ storageState: asRole("viewer") });
    const page = await ctx.newPage();
    await page.goto("/settings/alerts");
    await expect(page.getByRole("heading", { name: "Alert rules and channels", level: 1 })).toBeVisible();
    await expect(page.getByText("Your role can read these settings, not change them.")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Save/ })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Add a channel" })).toHaveCount(0);
    await page.goto("/alerts");
    await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Acknowledge/ })).toHaveCount(0);
    const denied = await page.request.post("/api/v1/alert-rules", { data: { kind: "obo_p99" } });
    expect(denied.status()).toBe(403);
    await ctx.close();
  });

  test("an admin tunes a fleet rule in Settings; the change is audited", async ({ page }) => {
    await page.goto("/settings/alerts");
    const form = page.getByRole("form", { name: "Edit OBO exchange p99 latency" });
    await form.getByLabel(/^Threshold/).fill("0");
    await form.getByRole("button", { name: /^Save/ }).click();
    await expect(form.getByText("The threshold must be greater than 0.")).toBeVisible();
    await form.getByLabel(/^Threshold/).fill("2500");
    await form.getByRole("button", { name: /^Save/ }).click();
    await expect(form.getByText("Saved.")).toBeVisible();
    await page.goto("/audit?action=alert_rule.update");
    await expect(page.locator("tbody tr").filter({ hasText: "alert_rule.update" }).first()).toBeVisible();
    // Put the default back for the other specs.
    const { rules } = (await (await page.request.get("/api/v1/alert-rules")).json()) as {
      rules: { id: string; kind: string; resourceId: string }[];
    };
    const p99 = rules.find((r) => r.kind === "obo_p99" && !r.resourceId);
    expect((await page.request.patch(`/api/v1/alert-rules/${p99?.id}`, { data: { threshold: 2000 } })).status()).toBe(
      200,
    );
  });
});
