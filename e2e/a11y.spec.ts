import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, request, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * Issue 21: axe-core (WCAG 2.0-2.2 A and AA tags) on every page reachable from the navigation,
 * every tab of a resource and an IdP profile, as owner, in the light and the dark theme.
 * No rule is disabled. The dark theme is chosen the way the app does when nothing is saved:
 * the system preference (app/layout.tsx's theme script reads prefers-color-scheme).
 */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

test.use({ storageState: asRole("owner") });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let resourceId = "";
let resourceName = "";
let profileId = "";
let profileName = "";

test.beforeAll(async () => {
  const api = await request.newContext({ baseURL: E2E.baseUrl, storageState: asRole("owner") });
  profileName = `A11y IdP ${unique()}`;
  const p = await api.post("/api/v1/idp-profiles", {
    data: { name: profileName, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000c0de", tokenVersion: "v2" },
  });
  expect(p.status()).toBe(201);
  profileId = (await p.json()).idpProfile.id;
  resourceName = `a11y-${unique()}`;
  const r = await api.post("/api/v1/resources", {
    data: {
      name: resourceName,
      uri: `https://${resourceName}.example.com/mcp`,
      idpProfileId: profileId,
      audiences: ["api://a11y"],
    },
  });
  expect(r.status()).toBe(201);
  resourceId = (await r.json()).resource.id;
  await api.dispose();
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
  { name: "Admins", path: () => "/settings/admins" },
];

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id}: ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ").slice(0, 160)}`,
    ),
  );
}

for (const theme of ["light", "dark"] as const) {
  test.describe(`axe, ${theme} theme`, () => {
    test.use({ colorScheme: theme });
    for (const p of PAGES) {
      test(`${p.name} has no WCAG 2.2 A/AA violations`, async ({ page }) => {
        await page.goto(p.path());
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
        await page.waitForLoadState("networkidle");
        expect(await violations(page)).toEqual([]);
      });
    }
  });
}

test.describe("page furniture", () => {
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
});

for (const theme of ["light", "dark"] as const) {
  test.describe(`screenshot, ${theme} theme`, () => {
    test.use({ colorScheme: theme });
    test(`the Overview, ${theme} theme`, async ({ page }) => {
      await page.goto("/");
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: `/tmp/a11y-overview-${theme}.png`, fullPage: true });
    });
  });
}
