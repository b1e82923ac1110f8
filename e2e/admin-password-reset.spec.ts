import { expect, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { signInAndChangePassword } from "./fixtures/first-sign-in";
import { asRole } from "./fixtures/roles";

/**
 * Issue 13 #13: an owner resets another admin's password from the Admins page, behind a confirmation. The new
 * password is shown once and works; the old one no longer does; the admin's sessions end; the audit trail
 * records the reset without the password. The owner has seen the new password, so the admin must replace it at their
 * next sign-in, as at their first.
 */
test.use({ storageState: asRole("owner") });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("an owner resets another admin's password: shown once, old one refused, sessions ended, audited", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const email = `reset-${unique()}@e2e.test`;
  const given = "reset-given-password-1";
  const oldPassword = "reset-old-password-1";
  expect(
    (
      await page.request.post("/api/v1/admins", {
        data: { email, name: "Rhea Set", role: "viewer", password: given },
      })
    ).status(),
  ).toBe(201);
  const first = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await signInAndChangePassword(await first.newPage(), email, given, oldPassword);
  await first.close();
  const signIn = async (password: string) => {
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const p = await ctx.newPage();
    await p.goto(`${E2E.baseUrl}/signin`);
    await p.getByLabel("Email").fill(email);
    await p.getByLabel("Password").fill(password);
    await p.getByRole("button", { name: "Sign in", exact: true }).click();
    return { ctx, page: p };
  };
  const before = await signIn(oldPassword);
  await expect(before.page.getByTestId("current-admin")).toHaveText(email, { timeout: 40_000 });

  await page.goto("/settings/admins");
  const row = page.getByTestId(`admin-${email}`);
  await row.getByRole("button", { name: `Reset password of ${email}` }).click();
  await expect(row.getByRole("group", { name: /^Reset Rhea Set's password\?/ })).toBeVisible();
  await row.getByRole("button", { name: "Reset password", exact: true }).click();
  await expect(row.getByRole("status").filter({ hasText: "New password for Rhea Set shown below" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.locator(`[id^="new-password-"]`)).toBeFocused();
  const newPassword = (await row.getByTestId("reset-password").textContent()) ?? "";
  expect(newPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);

  // The old session has ended; the old password is refused; the new one signs in, to "choose your own".
  await before.page.reload();
  await expect(before.page).toHaveURL(/\/signin/);
  await before.ctx.close();
  const old = await signIn(oldPassword);
  await expect(old.page.getByRole("status")).toHaveText("Wrong email or password.");
  await old.ctx.close();
  const fresh = await signIn(newPassword);
  await expect(fresh.page.getByRole("heading", { name: "Choose your own password" })).toBeVisible({ timeout: 40_000 });
  await fresh.page.goto("/resources");
  await expect(fresh.page).toHaveURL(/\/account\/password$/);
  await fresh.ctx.close();

  // Audited, without the password; the owner's own row offers no reset.
  await page.goto("/audit");
  const audit = page.getByRole("row").filter({ hasText: "admin.password_reset" }).filter({ hasText: email });
  await expect(audit).toHaveCount(1);
  await expect(page.getByText(newPassword)).toHaveCount(0);
  await page.goto("/settings/admins");
  await expect(
    page.getByTestId(`admin-${E2E.owner.email}`).getByRole("button", { name: /^Reset password/ }),
  ).toHaveCount(0);
});
