import { type Browser, expect, type Page, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { createAdminWithOwnPassword } from "./fixtures/first-sign-in";

/**
 * Sessions end on the server (issue 10 #10): a copied cookie dies with sign-out, and an owner's
 * "Sign out everywhere" ends another admin's sessions. Each test signs the owner in afresh and makes
 * its own admin, so the saved sign-in states other specs share are never signed out (and the spec
 * needs none of them: `--no-deps` runs it alone).
 */
const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const PASSWORD = "session-password-e2e-1234";

async function newAdmin(owner: Page): Promise<string> {
  const email = `sess-${unique()}@e2e.test`;
  await createAdminWithOwnPassword(owner.request, owner.context().browser() as Browser, {
    email,
    name: "Session",
    role: "admin",
    password: PASSWORD,
  });
  return email;
}

async function signedIn(browser: Browser, email: string, password = PASSWORD) {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-admin")).toHaveText(email, { timeout: 30_000 });
  return { ctx, page };
}

/** A fresh browser holding only a copy of the cookies: what an attacker who stole them would have. */
async function withCopiedCookies(
  browser: Browser,
  cookies: Awaited<ReturnType<import("@playwright/test").BrowserContext["cookies"]>>,
) {
  const ctx = await browser.newContext({ storageState: { cookies, origins: [] } });
  return { ctx, page: await ctx.newPage() };
}

const asOwner = async (browser: Browser) => (await signedIn(browser, E2E.owner.email, E2E.owner.password)).page;

test.describe("sessions", () => {
  // Four scrypt sign-ins in one test: allow for a loaded CI machine.
  test.describe.configure({ timeout: 150_000 });
  test("signing out ends the session, also for a copy of the cookie", async ({ browser }) => {
    const page = await asOwner(browser);
    const email = await newAdmin(page);
    const { ctx, page: user } = await signedIn(browser, email);
    const cookies = await ctx.cookies();
    const copy = await withCopiedCookies(browser, cookies);
    expect((await copy.page.request.get(`${E2E.baseUrl}/api/v1/admins`)).status()).toBe(200);

    await user.getByRole("button", { name: "Sign out" }).click();
    await expect(user).toHaveURL(/\/signin/);

    const res = await copy.page.request.get(`${E2E.baseUrl}/api/v1/admins`, { maxRedirects: 0 });
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
    await copy.page.goto("/resources");
    await expect(copy.page).toHaveURL(/\/signin/);
    await ctx.close();
    await copy.ctx.close();
  });

  test("an owner signs another admin out everywhere from the Admins page; re-enabling revives nothing", async ({
    browser,
  }) => {
    const page = await asOwner(browser);
    const email = await newAdmin(page);
    const first = await signedIn(browser, email);
    const second = await signedIn(browser, email);

    await page.goto("/settings/admins");
    const row = page.getByTestId(`admin-${email}`);
    await row.getByRole("button", { name: `Sign out everywhere: ${email}` }).click();
    await expect(row.getByText("Signed out everywhere.")).toBeVisible();

    for (const session of [first, second]) {
      await session.page.reload();
      await expect(session.page).toHaveURL(/\/signin/);
    }

    // Disabled and enabled again: a cookie from before stays dead.
    const third = await signedIn(browser, email);
    const cookies = await third.ctx.cookies();
    const list = await (await page.request.get("/api/v1/admins")).json();
    const id = list.admins.find((a: { email: string }) => a.email === email).id;
    expect((await page.request.patch(`/api/v1/admins/${id}`, { data: { status: "disabled" } })).status()).toBe(200);
    expect((await page.request.patch(`/api/v1/admins/${id}`, { data: { status: "active" } })).status()).toBe(200);
    const copy = await withCopiedCookies(browser, cookies);
    expect((await copy.page.request.get(`${E2E.baseUrl}/api/v1/admins`)).status()).toBe(401);

    await page.goto("/audit");
    await expect(
      page.getByRole("row").filter({ hasText: "admin.sessions_ended" }).filter({ hasText: email }),
    ).toHaveCount(1);
    for (const c of [first.ctx, second.ctx, third.ctx, copy.ctx]) await c.close();
  });
});
