import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, request, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * Issue 14: personal API tokens on Settings → API tokens, in Chromium. An owner creates a narrowed token
 * (shown once, focus on it), uses it from a client with no cookie, sees its last use, and revokes it by
 * keyboard; tokens open no page; bad input names the field.
 */
test.use({ storageState: asRole("owner") });
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** axe (WCAG 2.0-2.2 A/AA, as e2e/a11y.spec.ts) with a token row on the page, in both themes. */
async function expectNoAxeViolations(page: Page) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.reload();
    const result = await new AxeBuilder({ page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
      .analyze();
    expect(result.violations.map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual(
      [],
    );
  }
}

async function bearerClient(token: string) {
  return request.newContext({
    baseURL: E2E.baseUrl,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
}

test("create a narrowed token, use it without a browser session, see its last use, revoke it", async ({ page }) => {
  const name = `ci-${unique()}`;
  await page.goto("/");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible();

  await page.getByLabel("Token name").fill(name);
  await page.getByLabel("Role").selectOption("admin");
  await page.getByRole("checkbox", { name: "resources.read" }).check();
  await expect(page.getByLabel("Expires in (days)")).toHaveValue("90");
  await page.getByRole("button", { name: "Create token" }).click();

  const box = page.locator("#new-api-token");
  await expect(box).toBeFocused();
  await expect(box.getByRole("button", { name: "Copy token" })).toBeVisible();
  const token = (await page.getByTestId("new-api-token-value").textContent()) ?? "";
  expect(token).toMatch(/^pcl_api_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  const row = page.getByTestId(`api-token-${name}`);
  await expect(row).toContainText("resources.read");
  await expect(row).toContainText("never");

  const api = await bearerClient(token);
  expect((await api.get("/api/v1/resources")).status()).toBe(200);
  const write = await api.post("/api/v1/resources", { data: { name: "x" } });
  expect(write.status()).toBe(403);
  expect((await write.json()).error.code).toBe("forbidden");
  // Tokens never manage tokens.
  expect((await api.get("/api/v1/api-tokens")).status()).toBe(403);

  await page.reload();
  await expect(row.getByText("from 127.0.0.1")).toBeVisible();
  await expect(row.getByText("active")).toBeVisible();
  // The secret is never shown again.
  await expect(page.getByText(token)).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Revoke by keyboard: the opener, then the confirm button has focus.
  await row.getByRole("button", { name: `Revoke ${name}` }).focus();
  await page.keyboard.press("Enter");
  await expect(row.getByRole("button", { name: "Confirm revoke" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(row.getByText(`Revoked ${name}.`)).toBeVisible();
  const refused = await api.get("/api/v1/resources");
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
  await page.reload();
  await expect(row.getByText("revoked")).toBeVisible();
  await api.dispose();
});

test("a token opens no page, and bad input is named with focus on the summary", async ({ page, browser }) => {
  await page.goto("/settings/api-tokens");
  await page.getByLabel("Token name").fill(`page-${unique()}`);
  await page.getByLabel("Expires in (days)").fill("400");
  await page.getByLabel("Allowed source addresses").fill("10.0.0.0/33");
  await page.getByRole("button", { name: "Create token" }).click();
  const summary = page.getByTestId("error-summary");
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("Expires in (days)");
  await page.getByLabel("Expires in (days)").fill("30");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(summary).toContainText("10.0.0.0/33");
  await page.getByLabel("Allowed source addresses").fill("127.0.0.1/32");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-api-token-value").textContent()) ?? "";
  expect(token).toMatch(/^pcl_api_/);

  const ctx = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  const anon = await ctx.newPage();
  await anon.goto("/resources");
  await expect(anon).toHaveURL(/\/signin/);
  // The API accepts it (127.0.0.1 is inside its range).
  expect((await anon.request.get("/api/v1/resources")).status()).toBe(200);
  await ctx.close();
});

test.describe("as a viewer", () => {
  test.use({ storageState: asRole("viewer") });
  test("viewers are told tokens are for owners and admins", async ({ page }) => {
    await page.goto("/settings/api-tokens");
    await expect(page.getByText("Only owners and admins can create API tokens.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
  });
});
