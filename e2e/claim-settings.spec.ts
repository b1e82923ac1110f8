import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

const TENANT = "e2e0e2e0-0000-4000-8000-0000000000cc";
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// Issue 13 #2: the accepted token versions follow the Entra token version (no stale preset), and the saved
// profile shows what will be published.
test.describe("IdP claim settings (admin)", () => {
  test.use({ storageState: asRole("admin") });

  test("token version 'both' accepts 1.0 and 2.0, and the profile page says so", async ({ page }) => {
    const name = `Entra both ${unique()}`;
    await page.goto("/idp-profiles/new");
    await page.getByRole("radio", { name: "Microsoft Entra ID" }).check();
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Tenant ID").fill(TENANT);
    await page.getByText("Advanced: overrides, algorithms and claim profile").click();
    await expect(page.getByLabel("Accepted token versions")).toHaveValue("2.0");
    await page.getByLabel("Token version", { exact: true }).selectOption("both");
    await expect(page.getByLabel("Accepted token versions")).toHaveValue("1.0, 2.0");
    await page.getByLabel("Token version", { exact: true }).selectOption("v1");
    await expect(page.getByLabel("Accepted token versions")).toHaveValue("1.0");
    // A value the admin typed is theirs: changing the token version leaves it alone.
    await page.getByLabel("Accepted token versions").fill("2.0");
    await page.getByLabel("Token version", { exact: true }).selectOption("both");
    await expect(page.getByLabel("Accepted token versions")).toHaveValue("2.0");
    await page.getByLabel("Accepted token versions").fill("1.0, 2.0");
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(page.getByText("1.0, 2.0").first()).toBeVisible();
    const form = page.getByRole("form", { name: "Edit IdP profile" });
    await expect(form.getByLabel("Token version", { exact: true })).toHaveValue("both");
  });
});
