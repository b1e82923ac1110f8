import { expect, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("sign-in", () => {
  test("a wrong password shows an error and stays on the sign-in page", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin/);
    await page.getByLabel("Email").fill(`nobody-${unique()}@e2e.test`);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("status")).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("the owner signs in with a password and lands on the dashboard", async ({ page }) => {
    await page.goto("/signin");
    await page.getByLabel("Email").fill(E2E.owner.email);
    await page.getByLabel("Password").fill(E2E.owner.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("current-admin")).toHaveText(E2E.owner.email);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  });

  test("SSO through the loopback OIDC provider lands in the dashboard with the mapped role", async ({ page }) => {
    await page.goto("/signin");
    await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
    // oidc-provider's development login and consent pages.
    await page.locator('input[name="login"]').fill("alice");
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("current-admin")).toHaveText("alice@example.test");
    // alice is in "portcullis-admins", mapped to the admin role.
    await expect(page.locator("header").getByText("admin", { exact: true })).toBeVisible();
  });
});

test.describe("viewer", () => {
  test.use({ storageState: asRole("viewer") });

  test("sees the admin list but no admin-only forms, and the server refuses a forged request", async ({ page }) => {
    await page.goto("/settings/admins");
    await expect(page.getByRole("heading", { name: "Admins", exact: true })).toBeVisible();
    await expect(page.getByRole("form", { name: "Add admin" })).toHaveCount(0);
    await expect(page.getByText("Only owners can add admins or change roles.")).toBeVisible();
    const forged = await page.request.post("/api/v1/admins", {
      data: { email: `forged-${unique()}@e2e.test`, name: "Forged", role: "owner", password: "forged-password-123" },
    });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.code).toBe("forbidden");
    const list = await page.request.get("/api/v1/admins");
    expect(list.status()).toBe(200);
  });

  test("signed-out API calls get a JSON 401, not a redirect", async ({ browser }) => {
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const res = await ctx.request.get(`${E2E.baseUrl}/api/v1/admins`, { maxRedirects: 0 });
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
    await ctx.close();
  });
});

test.describe("owner manages admins", () => {
  test.use({ storageState: asRole("owner") });

  test("creates an admin, changes its role, and both changes appear on the Audit page", async ({ page }) => {
    const email = `ada-${unique()}@e2e.test`;
    await page.goto("/settings/admins");
    const form = page.getByRole("form", { name: "Add admin" });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Name").fill("Ada Admin");
    await form.getByLabel("Role").selectOption("admin");
    await form.getByLabel("Initial password").fill("ada-password-1234");
    await form.getByRole("button", { name: "Add admin" }).click();
    await expect(page.getByText(`Added ${email} as admin.`)).toBeVisible();
    const row = page.getByTestId(`admin-${email}`);
    await expect(row).toContainText("admin");

    await row.getByLabel(`Role of ${email}`).selectOption("viewer");
    // Choosing changes nothing yet: Save, then the confirmation that names the effect (issue 21 #4).
    await row.getByRole("button", { name: `Save role for ${email}` }).click();
    await row.getByRole("button", { name: "Make viewer" }).click();
    await expect(row.getByRole("status").filter({ hasText: "Ada Admin is now a viewer." })).toBeVisible();
    await expect(row.getByRole("cell", { name: "viewer", exact: true })).toBeVisible();

    await page.getByRole("link", { name: "Audit trail" }).first().click();
    await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
    const created = page.getByRole("row").filter({ hasText: "admin.created" }).filter({ hasText: email });
    const changed = page.getByRole("row").filter({ hasText: "admin.role_changed" }).filter({ hasText: email });
    await expect(created).toHaveCount(1);
    await expect(changed).toHaveCount(1);
    // The change reads as its field-level diff (issue 13 #9).
    await expect(changed.getByRole("listitem")).toContainText(["role admin → viewer"]);

    await page.getByRole("button", { name: "Verify integrity" }).click();
    await expect(page.getByText(/Chain intact: \d+ events verified\./)).toBeVisible();
  });

  test("bad input gets field errors and changes nothing", async ({ page }) => {
    await page.goto("/settings/admins");
    const form = page.getByRole("form", { name: "Add admin" });
    // empty fields
    await form.getByRole("button", { name: "Add admin" }).click();
    await expect(form.getByText("Enter a valid email address.", { exact: true })).toBeVisible();
    await expect(form.getByText("Enter a name.", { exact: true })).toBeVisible();
    await expect(form.getByText("At least 12 characters.", { exact: true })).toBeVisible();
    // malformed email and oversized name
    await form.getByLabel("Email").fill("not-an-email");
    await form.getByLabel("Name").fill("x".repeat(150));
    await form.getByLabel("Initial password").fill("long-enough-password");
    await form.getByRole("button", { name: "Add admin" }).click();
    await expect(form.getByText("Enter a valid email address.", { exact: true })).toBeVisible();
    await expect(form.getByText("At most 100 characters.", { exact: true })).toBeVisible();
    // duplicate
    await form.getByLabel("Email").fill(E2E.owner.email);
    await form.getByLabel("Name").fill("Dup");
    await form.getByLabel("Initial password").fill("long-enough-password");
    await form.getByRole("button", { name: "Add admin" }).click();
    await expect(form.getByText("An admin with this email already exists.").first()).toBeVisible();
    // Nothing was added. (Not a count of all rows: tests in the other worker add admins meanwhile.)
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: E2E.owner.email })).toHaveCount(1);
    await expect(page.getByRole("row").filter({ hasText: "not-an-email" })).toHaveCount(0);
    await expect(page.getByRole("row").filter({ hasText: "x".repeat(101) })).toHaveCount(0);
    const { admins } = (await (await page.request.get("/api/v1/admins")).json()) as {
      admins: { email: string; name: string }[];
    };
    expect(admins.filter((a) => a.email === E2E.owner.email)).toHaveLength(1);
    expect(admins.filter((a) => a.name === "Dup" || a.email === "not-an-email")).toEqual([]);

    // unknown role and malformed JSON through the API: 422 / 400 with codes, never 500
    const unknownRole = await page.request.post("/api/v1/admins", {
      data: { email: `r-${unique()}@e2e.test`, name: "R", role: "superuser", password: "long-enough-password" },
    });
    expect(unknownRole.status()).toBe(422);
    const body = await unknownRole.json();
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.fields.role).toBeTruthy();
    const malformed = await page.request.post("/api/v1/admins", {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{not json"),
    });
    expect(malformed.status()).toBe(400);
    expect((await malformed.json()).error.code).toBe("bad_request");
  });

  test("the last owner cannot be demoted", async ({ page }) => {
    const list = await (await page.request.get("/api/v1/admins")).json();
    const owners = list.admins.filter(
      (a: { role: string; status: string }) => a.role === "owner" && a.status === "active",
    );
    test.skip(owners.length !== 1, "another test made a second owner");
    const res = await page.request.patch(`/api/v1/admins/${owners[0].id}`, { data: { role: "viewer" } });
    expect(res.status()).toBe(409);
    expect((await res.json()).error.message).toMatch(/last active owner/);
  });
});
