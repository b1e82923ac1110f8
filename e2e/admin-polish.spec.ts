import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import Database from "better-sqlite3";
import { axeViolations } from "./fixtures/axe";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";
import { resourceWithTraffic } from "./fixtures/traffic";
import { startTestIdp } from "./idp/test-idp";

/**
 * Issue 13 #11, #12 and #14, walked as an admin in Chromium: errors in the admin's words beside their
 * row, gone once fixed; Test connection leading with the real cause; the Okta preview of a pasted URL;
 * long names that never overflow; one date format; one colour per reason; length limits shown, not
 * cut; and KPIs that say what they count.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const RAW_ZOD = /Too small|Too big|Invalid input|Invalid key in record|Invalid option|expected (int|number)/;

async function createResource(request: APIRequestContext, name: string): Promise<{ id: string }> {
  const profile = await request.post("/api/v1/idp-profiles", {
    data: { name: `Polish IdP ${unique()}`, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000b01d" },
  });
  expect(profile.status()).toBe(201);
  const res = await request.post("/api/v1/resources", {
    data: {
      name,
      uri: `https://r${unique()}.example.com/mcp`,
      idpProfileId: (await profile.json()).idpProfile.id,
      audiences: ["api://polish"],
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).resource;
}

/** Nothing on the page is wider than the viewport, and the element sits inside its card. */
async function expectNoOverflow(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

async function expectInside(inner: ReturnType<Page["locator"]>, outer: ReturnType<Page["locator"]>) {
  const [a, b] = [await inner.boundingBox(), await outer.boundingBox()];
  if (!a || !b) throw new Error("not laid out");
  expect(a.x).toBeGreaterThanOrEqual(b.x - 1);
  expect(a.x + a.width).toBeLessThanOrEqual(b.x + b.width + 1);
}

test.describe("admin polish (admin)", () => {
  test.use({ storageState: asRole("admin") });

  test("policy errors are in the admin's words, beside their row, and clear once fixed", async ({ page }) => {
    const { id } = await createResource(page.request, `errors-${unique()}`);
    await page.goto(`/resources/${id}/policy`);
    const perMin = page.getByLabel("Tool invocations per minute");
    const lockout = page.getByLabel("Lockout duration (seconds)");
    await perMin.fill("-1");
    await lockout.fill("1.5");
    await page.getByLabel("Add a method").fill("bad name!");
    await page.getByRole("button", { name: "Add method" }).click();
    await page.getByRole("button", { name: "Save policy" }).click();

    await expect(perMin).toHaveAccessibleDescription(/Enter 0 or more\./);
    await expect(perMin).toHaveAttribute("aria-invalid", "true");
    await expect(lockout).toHaveAccessibleDescription(/Enter a whole number\./);
    const methodRow = page.getByRole("row").filter({ hasText: "bad name!" });
    await expect(methodRow).toContainText("“bad name!”: A method name such as tools/call.");
    await expect(page.getByText(RAW_ZOD)).toHaveCount(0);
    await page.screenshot({ path: "/tmp/polish-errors.png", fullPage: true });

    // Fixing a field clears its error at once; the others stay until they are fixed.
    await perMin.fill("5");
    await expect(perMin).not.toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("Enter 0 or more.")).toHaveCount(0);
    await expect(lockout).toHaveAccessibleDescription(/Enter a whole number\./);
    await lockout.fill("900");
    await expect(page.getByText("Enter a whole number.")).toHaveCount(0);
    await page.getByRole("button", { name: "Remove method bad name!" }).click();
    await expect(page.getByText("A method name such as tools/call.")).toHaveCount(0);
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText("Policy saved to the draft")).toBeVisible();
  });

  test("Test connection leads with DNS failure or refused connection; the Okta preview normalises a pasted URL", async ({
    page,
  }) => {
    // A port of this suite's range with nothing listening (5189), and a name no DNS resolves.
    const cases = [
      ["https://portcullis-e2e-nowhere.invalid/", /^DNS failure: portcullis-e2e-nowhere\.invalid does not resolve/],
      ["http://127.0.0.1:5189/", /^Connection refused: nothing accepts connections at 127\.0\.0\.1:5189/],
    ] as const;
    for (const [issuer, cause] of cases) {
      const res = await page.request.post("/api/v1/idp-profiles", {
        data: { name: `Unreachable ${unique()}`, kind: "oidc", issuer },
      });
      expect(res.status(), await res.text()).toBe(201);
      await page.goto(`/idp-profiles/${(await res.json()).idpProfile.id}`);
      await page.getByRole("button", { name: "Test connection" }).click();
      const result = page.getByTestId("test-result");
      await expect(result.getByTestId("test-cause")).toHaveText(cause);
      // The cause comes first; no issuer "mismatch" is claimed when no issuer could be read.
      await expect(result.getByText("✗ Issuer mismatch")).toHaveCount(0);
      await expect(result.getByText(/Issuer not checked/)).toBeVisible();
    }
    await page.screenshot({ path: "/tmp/polish-test-connection.png", fullPage: true });

    await page.goto("/idp-profiles/new");
    await page.getByRole("radio", { name: "Okta" }).check();
    await page.getByLabel("Okta domain").fill("https://Dev-123.okta.com/");
    const preview = page.getByTestId("idp-preview");
    await expect(preview).toContainText("https://dev-123.okta.com/oauth2/default");
    await expect(preview).not.toContainText("https://https://");
  });

  test("long names wrap inside their cards; length limits are shown, not cut; one date format", async ({ page }) => {
    const longName = `r${"x".repeat(92)}${unique()}`.slice(0, 100);
    expect(longName).toHaveLength(100);
    const { id } = await createResource(page.request, longName);
    const longTool = `t${"y".repeat(127)}`;
    const tools = await page.request.put(`/api/v1/resources/${id}/tools`, {
      data: { tools: [{ name: longTool, enabled: true, scopes: [] }], unlistedTools: "deny" },
    });
    expect(tools.status(), await tools.text()).toBe(200);
    const cred = await page.request.post(`/api/v1/resources/${id}/credentials`, { data: { name: "c".repeat(100) } });
    expect(cred.status()).toBe(201);

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/resources/${id}`);
    await expect(page.getByRole("heading", { name: longName, level: 1 })).toBeVisible();
    await expectInside(page.getByRole("heading", { name: longName, level: 1 }), page.locator("main"));
    await expectNoOverflow(page);

    await page.goto(`/resources/${id}/tools`);
    const toolCell = page.getByTestId(`tool-${longTool}`).getByText(longTool);
    await expectInside(toolCell, page.getByRole("region", { name: "Tool allowlist" }));
    await expectNoOverflow(page);
    // The name input shows its limit and keeps every character typed past it.
    const newTool = page.getByLabel("Tool name");
    await newTool.fill("z".repeat(130));
    await expect(newTool).toHaveValue("z".repeat(130));
    await expect(newTool).toHaveAccessibleDescription("130 / 128 characters: 2 over the limit");
    await expect(page.getByRole("button", { name: "Add tool" })).toBeDisabled();
    await newTool.fill("short_tool");
    await expect(newTool).toHaveAccessibleDescription("10 / 128 characters");

    await page.goto(`/resources/${id}/enforcers`);
    await expectInside(page.getByRole("cell", { name: "c".repeat(100), exact: true }), page.locator("main"));
    await expectNoOverflow(page);
    // Dates: one ISO-like UTC format.
    await expect(
      page
        .getByRole("cell")
        .filter({ hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/ })
        .first(),
    ).toBeVisible();

    await page.goto("/resources");
    await expectInside(page.getByRole("link", { name: longName }), page.locator("main"));
    await expectNoOverflow(page);
    // The registration form's name field shows its limit too.
    await page.goto("/resources/new");
    await page.getByLabel("Name").fill("n".repeat(101));
    await expect(page.getByLabel("Name")).toHaveValue("n".repeat(101));
    await expect(page.getByText("101 / 100 characters: 1 over the limit")).toBeVisible();
    await page.screenshot({ path: "/tmp/polish-long-names.png", fullPage: true });
  });
});

test.describe("overview KPIs and reason colours (owner)", () => {
  test.use({ storageState: asRole("owner") });

  test("Tool calls shows allowed and attempted; Enforcers online counts the last 2 minutes; one colour per reason", async ({
    page,
  }, testInfo) => {
    testInfo.setTimeout(120_000);
    // Ports 5181-5182 of this suite's range, one per parallel worker.
    const idp = await startTestIdp({ shape: "oidc", port: 5181 + testInfo.parallelIndex });
    let resource: { id: string; name: string };
    try {
      ({ resource } = await resourceWithTraffic(page.request, idp, "polish"));
    } finally {
      await idp.close();
    }
    const api = await (await page.request.get(`/api/v1/telemetry/overview?range=1h&resource=${resource.id}`)).json();
    expect(api.kpis.toolCalls).toBe(4);
    expect(api.kpis.toolCallsTotal).toBeGreaterThan(api.kpis.toolCalls);
    expect(api.kpis.enforcersOnline).toBeGreaterThanOrEqual(1);

    await page.goto(`/?resource=${resource.id}&range=1h`);
    const kpi = (label: string) => page.locator(`[data-kpi="${label}"]`);
    const caption = (label: string) => page.locator(`[data-kpi-caption="${label}"]`);
    await expect(kpi("Tool calls")).toHaveText("4");
    await expect(caption("Tool calls")).toHaveText(`allowed, of ${api.kpis.toolCallsTotal} attempted`);
    await expect(kpi("Enforcers online")).toHaveText(String(api.kpis.enforcersOnline));
    await expect(caption("Enforcers online")).toHaveText("seen in the last 2 min");

    // The same reason has the same colour in the Overview's list and in the events table.
    const swatch = (scope: ReturnType<Page["locator"]>) =>
      scope
        .locator("span[aria-hidden]")
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    const overviewExpired = await swatch(page.locator('[data-reason="token_expired"]'));
    const overviewTool = await swatch(page.locator('[data-reason="tool_not_allowed"]'));
    expect(overviewExpired).not.toBe(overviewTool);
    await page.goto(`/events?resource=${resource.id}&outcome=deny&reason=token_expired`);
    const eventsExpired = await swatch(page.getByRole("row").filter({ hasText: "token_expired" }).first());
    expect(eventsExpired).toBe(overviewExpired);

    // Two minutes later (the instances' last sighting moved back), nothing of this resource is online.
    const db = new Database(E2E.dbFile);
    try {
      // Stored as Prisma's SQLite text timestamps ("…T…+00:00").
      const past = new Date(Date.now() - 121_000).toISOString().replace("Z", "+00:00");
      db.prepare('UPDATE "EnforcerInstance" SET "lastSeenAt" = ? WHERE "resourceId" = ?').run(past, resource.id);
    } finally {
      db.close();
    }
    await page.goto(`/?resource=${resource.id}&range=1h`);
    await expect(kpi("Enforcers online")).toHaveText("0");
    await page.screenshot({ path: "/tmp/polish-kpis.png", fullPage: true });
  });
});

for (const theme of ["light", "dark"] as const) {
  test.describe(`new states pass axe (${theme} theme)`, () => {
    test.use({ storageState: asRole("admin"), colorScheme: theme });

    test("an expanded audit row, field errors, an over-limit counter and a failed Test connection", async ({
      page,
    }) => {
      const { id } = await createResource(page.request, `axe-${unique()}`);
      await page.goto(`/resources/${id}/policy`);
      await page.getByLabel("Tool invocations per minute").fill("-1");
      await page.getByRole("button", { name: "Save policy" }).click();
      await expect(page.getByText("Enter 0 or more.")).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);

      await page.goto(`/resources/${id}/tools`);
      await page.getByLabel("Tool name").fill("z".repeat(130));
      await expect(page.getByText("130 / 128 characters: 2 over the limit")).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);

      await page.goto("/audit");
      const row = page.getByRole("row").filter({ hasText: "resource.created" }).first();
      await row.getByText(/full before\/after/i).click();
      await expect(row.getByText("Stored after")).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);

      const res = await page.request.post("/api/v1/idp-profiles", {
        data: { name: `Axe unreachable ${unique()}`, kind: "oidc", issuer: "http://127.0.0.1:5189/" },
      });
      await page.goto(`/idp-profiles/${(await res.json()).idpProfile.id}`);
      await page.getByRole("button", { name: "Test connection" }).click();
      await expect(page.getByTestId("test-cause")).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
