import { expect, test } from "@playwright/test";
import { expectNoAxeViolationsInBothThemes } from "./fixtures/axe-themes";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * Issue 13 #13: a password an owner set is replaced at first sign-in. The owner adds an admin on the Admins page;
 * the admin signs in and can do nothing (pages, API) but choose their own password; mistakes are named next to
 * their field; once changed, every session of the account ends and the admin signs in with the new password.
 * Walked by keyboard, checked with axe in both themes.
 */
test.use({ storageState: asRole("owner") });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("an admin an owner added chooses their own password at first sign-in, by keyboard", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const email = `first-${unique()}@e2e.test`;
  const given = "given-by-the-owner-1";
  const own = "only-i-know-this-1";

  // The owner adds the admin on the Admins page; the row says the change is due.
  await page.goto("/settings/admins");
  const form = page.getByRole("form", { name: "Add admin" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").fill("Fay First");
  await form.getByLabel("Initial password").fill(given);
  await form.getByRole("button", { name: "Add admin" }).click();
  const row = page.getByTestId(`admin-${email}`);
  await expect(row.getByText("password change due")).toBeVisible({ timeout: 30_000 });

  // The admin signs in with the given password: the change page, focus in its first field.
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const admin = await ctx.newPage();
  await admin.goto(`${E2E.baseUrl}/signin`);
  await admin.getByLabel("Email").fill(email);
  await admin.getByLabel("Password").fill(given);
  await admin.keyboard.press("Enter");
  await expect(admin.getByRole("heading", { name: "Choose your own password" })).toBeVisible({ timeout: 40_000 });
  await expect(admin).toHaveURL(/\/account\/password$/);
  await expect(admin.getByLabel("Current password")).toBeFocused();
  await expect(admin.getByRole("status").filter({ hasText: "set by someone else" })).toBeVisible();
  await expectNoAxeViolationsInBothThemes(admin);

  // Nothing else opens: a page sends them back, the API refuses with a code a script can read.
  await admin.goto("/resources");
  await expect(admin).toHaveURL(/\/account\/password$/);
  const api = await admin.request.get(`${E2E.baseUrl}/api/v1/resources`);
  expect(api.status()).toBe(403);
  expect((await api.json()).error.code).toBe("password_change_required");

  // A wrong current password, by keyboard: the summary takes focus and the field says why.
  await expect(admin.getByLabel("Current password")).toBeFocused();
  await admin.keyboard.type("not-what-i-was-given");
  await admin.keyboard.press("Tab");
  await admin.keyboard.type(own);
  await admin.keyboard.press("Tab");
  await admin.keyboard.type(own);
  await admin.keyboard.press("Enter");
  await expect(admin.getByText("The current password is wrong.").last()).toBeVisible({ timeout: 30_000 });
  await expect(admin.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");

  // The given password again as the new one is refused too, next to its field.
  await admin.getByLabel("Current password").fill(given);
  await admin.getByLabel("New password", { exact: true }).fill(given);
  await admin.getByLabel("New password again").fill(given);
  await admin.getByRole("button", { name: "Change password" }).click();
  await expect(admin.getByText("Choose a password different from the one you were given.").last()).toBeVisible();

  // Changed: signed out with a notice; the new password opens the dashboard.
  await admin.getByLabel("New password", { exact: true }).fill(own);
  await admin.getByLabel("New password again").fill(own);
  await admin.getByLabel("New password again").press("Enter");
  await expect(admin).toHaveURL(/\/signin\?notice=password_changed/, { timeout: 30_000 });
  await expect(admin.getByRole("status")).toHaveText("Password changed. Sign in with your new password.");
  await admin.getByLabel("Email").fill(email);
  await admin.getByLabel("Password").fill(given);
  await admin.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(admin.getByRole("status")).toHaveText("Wrong email or password.");
  await admin.getByLabel("Password").fill(own);
  await admin.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(admin.getByTestId("current-admin")).toHaveText(email, { timeout: 40_000 });
  expect((await admin.request.get(`${E2E.baseUrl}/api/v1/resources`)).status()).toBe(200);

  // Later changes are theirs to make, from the header; nothing forces them.
  await admin.getByRole("link", { name: "Change password" }).click();
  await expect(admin.getByRole("heading", { name: "Change password" })).toBeVisible();
  await expect(admin.getByRole("link", { name: "Back to the dashboard" })).toBeVisible();
  await ctx.close();

  // The owner sees the change done, and the audit trail has it, without any password.
  await page.reload();
  await expect(row.getByText("password change due")).toHaveCount(0);
  await page.goto("/audit");
  await expect(
    page.getByRole("row").filter({ hasText: "admin.password_changed" }).filter({ hasText: email }),
  ).toHaveCount(1);
  await expect(page.getByText(own)).toHaveCount(0);
});
