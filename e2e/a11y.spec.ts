import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, request, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";
import { resourceWithTraffic } from "./fixtures/traffic";
import { startTestIdp } from "./idp/test-idp";

/**
 * Issue 21: axe-core (WCAG 2.0-2.2 A and AA tags) on every page reachable from the navigation,
 * every tab of a resource and an IdP profile, as owner and as viewer, in the light and the dark theme,
 * with chart data present (a real enforcer sends telemetry first: e2e/fixtures/traffic.ts).
 * No rule is disabled. The dark theme is chosen the way the app does when nothing is saved:
 * the system preference (app/layout.tsx's theme script reads prefers-color-scheme at load; the shell
 * follows its changes live), so each page is loaded once and checked light, then dark.
 */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

test.use({ storageState: asRole("owner") });

let resourceId = "";
let resourceName = "";
let profileId = "";
let profileName = "";

test.beforeAll(async () => {
  const testInfo = test.info();
  testInfo.setTimeout(90_000);
  // Ports 5162-5163 of this suite's range, one per parallel worker.
  const idp = await startTestIdp({ shape: "oidc", port: 5162 + testInfo.parallelIndex });
  const api = await request.newContext({ baseURL: E2E.baseUrl, storageState: asRole("owner") });
  try {
    const { resource, profile } = await resourceWithTraffic(api, idp, "a11y");
    ({ id: resourceId, name: resourceName } = resource);
    ({ id: profileId, name: profileName } = profile);
  } finally {
    await api.dispose();
    await idp.close();
  }
});

const PAGES: { name: string; path: () => string }[] = [
  { name: "Overview", path: () => "/" },
  { name: "Resources", path: () => "/resources" },
  { name: "New resource", path: () => "/resources/new" },
  { name: "Resource overview", path: () => `/resources/${resourceId}` },
  { name: "Resource policy", path: () => `/resources/${resourceId}/policy` },
  { name: "Resource tools", path: () => `/resources/${resourceId}/tools` },
  { name: "Resource downstreams", path: () => `/resources/${resourceId}/downstreams` },
  { name: "Resource IdP setup", path: () => `/resources/${resourceId}/idp-setup` },
  { name: "Resource enforcers", path: () => `/resources/${resourceId}/enforcers` },
  { name: "Resource history", path: () => `/resources/${resourceId}/history` },
  { name: "IdP profiles", path: () => "/idp-profiles" },
  { name: "New IdP profile", path: () => "/idp-profiles/new" },
  { name: "IdP profile", path: () => `/idp-profiles/${profileId}` },
  { name: "Events", path: () => "/events" },
  { name: "Failure reasons", path: () => "/events/reasons" },
  { name: "Token debugger", path: () => "/token-debugger" },
  { name: "Alerts", path: () => "/alerts" },
  { name: "Audit trail", path: () => "/audit" },
  { name: "Alert rules", path: () => "/settings/alerts" },
  { name: "Audit streaming", path: () => "/settings/audit-streaming" },
  { name: "Admins", path: () => "/settings/admins" },
  { name: "API tokens", path: () => "/settings/api-tokens" },
  { name: "API reference", path: () => "/api-reference" },
];

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id}: ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ").slice(0, 160)}`,
    ),
  );
}

for (const role of ["owner", "viewer"] as const) {
  test.describe(`axe as ${role}, light then dark theme`, () => {
    // The page opens in the light system theme, then the system turns dark: the app follows it live while no
    // theme is saved (components/shell/user-menu.tsx), so one load is checked in both themes.
    test.use({ colorScheme: "light", storageState: asRole(role) });
    for (const p of PAGES) {
      test(`${p.name} has no WCAG 2.2 A/AA violations in either theme`, async ({ page }) => {
        await page.goto(p.path());
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
        await page.waitForLoadState("networkidle");
        if (p.name === "Overview" || p.name === "Resource overview") {
          // Chart data present: the charts are drawn, and their tables are checked too.
          await expect(page.locator("figure svg").first()).toBeVisible();
          const show = page.getByRole("button", { name: "Show as table" });
          while ((await show.count()) > 0) await show.first().click();
        }
        expect(await page.locator("main").count()).toBe(1);
        expect(await violations(page), "light theme").toEqual([]);
        await page.emulateMedia({ colorScheme: "dark" });
        await expect(page.locator("html")).toHaveClass(/\bdark\b/);
        await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
        expect(await violations(page), "dark theme").toEqual([]);
      });
    }
  });
}

test.describe("page furniture", () => {
  test("the theme follows the system until a person picks one, and their pick is kept", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    const html = page.locator("html");
    await expect(html).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: "light" });
    await expect(html).not.toHaveClass(/\bdark\b/);
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await expect(html).toHaveClass(/\bdark\b/);
    // A saved choice wins over the system, now and after a reload.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.emulateMedia({ colorScheme: "light" });
    await expect(html).toHaveClass(/\bdark\b/);
    await page.reload();
    await expect(html).toHaveClass(/\bdark\b/);
    await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
  });

  test("the first Tab stop is a skip link to the main content", async ({ page }) => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page.locator("main")).toBeFocused();
  });

  test("resource and IdP profile pages have their own titles", async ({ page }) => {
    await page.goto(`/resources/${resourceId}`);
    await expect(page).toHaveTitle(`${resourceName} · Resources · Portcullis`);
    await page.goto(`/idp-profiles/${profileId}`);
    await expect(page).toHaveTitle(`${profileName} · IdP profiles · Portcullis`);
  });

  test("charts are no tab stops, say themselves in words and tables; the live timestamp is not a live region", async ({
    page,
  }) => {
    await page.goto("/");
    await expect(page.locator("figure svg").first()).toBeVisible();
    const hiddenStops = await page.evaluate(
      () =>
        [...document.querySelectorAll("[aria-hidden=true] *")].filter(
          (el) => (el as HTMLElement).tabIndex >= 0 && !(el as HTMLElement).closest("[hidden]"),
        ).length,
    );
    expect(hiddenStops).toBe(0);
    const stamp = page.getByText(/Live · updated/);
    await expect(stamp).toBeVisible();
    expect(await stamp.evaluate((el) => el.closest("[aria-live],[role=status],[role=log]") === null)).toBe(true);
    // Each chart says itself in words and offers its numbers as a table.
    const card = page.getByRole("region", { name: "Authentication outcomes" });
    // Which reason leads depends on the other specs' traffic in the same database: any reason, with its count.
    await expect(
      card.getByText(/^\d+ requests: \d+ allowed, \d+ denied; most failures: [a-z_]+ \(\d+\)\./),
    ).toBeVisible();
    const show = card.getByRole("button", { name: "Show as table" });
    await expect(show).toHaveAttribute("aria-expanded", "false");
    await show.click();
    await expect(card.getByRole("button", { name: "Hide table" })).toHaveAttribute("aria-expanded", "true");
    const table = card.getByRole("table", { name: /Allowed requests and failures by reason/ });
    await expect(table.getByRole("columnheader", { name: "token_expired" })).toBeVisible();
  });

  test("404 and 403 pages have their own titles and one <main>", async ({ page, browser }) => {
    await page.goto("/resources/no-such-resource");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Not found");
    await expect(page).toHaveTitle(/^Not found · (.+ · )?Portcullis$/);
    expect(await page.locator("main").count()).toBe(1);
    const ctx = await browser.newContext({ storageState: asRole("viewer") });
    const viewer = await ctx.newPage();
    await viewer.goto(`${E2E.baseUrl}/resources/new`);
    await expect(viewer.getByRole("heading", { level: 1 })).toHaveText("Access denied");
    await expect(viewer).toHaveTitle(/^Access denied · (.+ · )?Portcullis$/);
    expect(await viewer.locator("main").count()).toBe(1);
    await ctx.close();
  });
});

// Screenshots to look at (issue 21): the Overview and a resource tab, both themes, at 1280 and 320 px.
for (const theme of ["light", "dark"] as const) {
  for (const width of [1280, 320]) {
    test.describe(`screenshots, ${theme} theme, ${width} px`, () => {
      test.use({ colorScheme: theme, viewport: { width, height: 800 } });
      test(`Overview and resource overview, ${theme}, ${width} px`, async ({ page }) => {
        await page.goto("/");
        await expect(page.locator("figure svg").first()).toBeVisible();
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: `/tmp/a11y-overview-${theme}-${width}.png`, fullPage: true });
        await page.goto(`/resources/${resourceId}`);
        await expect(page.locator("figure svg").first()).toBeVisible();
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: `/tmp/a11y-resource-${theme}-${width}.png`, fullPage: true });
        if (width === 320) {
          // Readable pieces of the long 320 px pages, to look at beside the full-page shots.
          for (const [name, path] of [
            ["overview", "/"],
            ["resource", `/resources/${resourceId}`],
          ] as const) {
            await page.goto(path);
            await expect(page.locator("figure svg").first()).toBeVisible();
            for (let i = 0; i < 3; i++)
              await page.screenshot({
                path: `/tmp/a11y-${name}-${theme}-320-part${i}.png`,
                fullPage: true,
                clip: { x: 0, y: i * 1000, width: 320, height: 1000 },
              });
          }
        }
      });
    });
  }
}
