import { expect, test as setup } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { signInAndChangePassword } from "./fixtures/first-sign-in";

/**
 * Signs in once per role and saves the browser state, so specs start signed in.
 * The owner signs in through the real form; it then creates an admin and a viewer
 * through the admin REST API (the same data functions the Admins page uses); each replaces the password the owner
 * gave them at first sign-in (issue 13 #13), then signs in with their own.
 */
export const ADMIN = { email: "admin@e2e.test", password: "admin-password-e2e-1234" };
export const VIEWER = { email: "viewer@e2e.test", password: "viewer-password-e2e-1234" };

async function signIn(page: import("@playwright/test").Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-admin")).toHaveText(email);
}

setup("sign in as owner, admin and viewer", async ({ page, browser }) => {
  await signIn(page, E2E.owner.email, E2E.owner.password);
  await page.context().storageState({ path: `${E2E.authDir}/owner.json` });
  for (const [account, role] of [
    [ADMIN, "admin"],
    [VIEWER, "viewer"],
  ] as const) {
    const given = `${account.password}-given`;
    const res = await page.request.post("/api/v1/admins", { data: { ...account, password: given, name: role, role } });
    expect([201, 409]).toContain(res.status());
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    if (res.status() === 201) await signInAndChangePassword(p, account.email, given, account.password);
    await signIn(p, account.email, account.password);
    await ctx.storageState({ path: `${E2E.authDir}/${role}.json` });
    await ctx.close();
  }
});
