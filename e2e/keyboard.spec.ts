import { expect as baseExpect, type Locator, type Page, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

/**
 * Issue 21: the main jobs by keyboard only (Tab, Shift+Tab, Enter, Space, Escape, arrows and typing), with
 * where focus lands and what is announced (role=status) asserted after each step. No clicks.
 */
test.use({ storageState: asRole("owner") });
// Server actions on a loaded CI machine can take several seconds.
const expect = baseExpect.configure({ timeout: 30_000 });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Press Tab (or Shift+Tab) until `target` has focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  await expect(target).toBeFocused();
}

const status = (scope: Page | Locator, text: string | RegExp) => scope.getByRole("status").filter({ hasText: text });

test("register a resource, fixing a validation error, then edit tools, publish and roll back", async ({ page }) => {
  test.setTimeout(120_000);
  const profileName = `Keyboard IdP ${unique()}`;
  const profile = await page.request.post("/api/v1/idp-profiles", {
    data: { name: profileName, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000c0de" },
  });
  expect(profile.status()).toBe(201);
  const name = `kbd-${unique()}`;

  // Register: from the skip link into the form; Enter in a field submits.
  await page.goto("/resources/new");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "Register resource" });
  await tabTo(page, form.getByLabel("Name"));
  await page.keyboard.type(name);
  await tabTo(page, form.getByLabel("Resource URI"));
  await page.keyboard.type("not a url");
  await tabTo(page, form.getByLabel("Accepted audiences"));
  await page.keyboard.type("api://kbd");
  // This spec's own profile (other specs' profiles sort first in a shared run), chosen by typing its name.
  await tabTo(page, form.getByLabel("IdP profile"));
  await page.keyboard.type(profileName);
  await expect(form.getByLabel("IdP profile")).toHaveValue((await profile.json()).idpProfile.id);
  await tabTo(page, form.getByRole("button", { name: "Register resource" }));
  await page.keyboard.press("Enter");

  // Failure: the error summary takes focus and links to the field.
  const summary = form.getByTestId("error-summary");
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("Resource URI:");
  await page.keyboard.press("Tab");
  await expect(summary.getByRole("link", { name: /^Resource URI:/ })).toBeFocused();
  await page.keyboard.press("Enter");
  const uri = form.getByLabel("Resource URI");
  await expect(uri).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(`https://${name}.example.com/mcp`);
  await page.keyboard.press("Enter");

  // Success: the new resource's page, its heading focused.
  await expect(page).toHaveURL(/\/resources\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeFocused();
  const resourceUrl = page.url();

  // Tools: add one by name (Enter), save, and focus moves to Publish (the next step).
  await page.goto(`${resourceUrl}/tools`);
  await tabTo(page, page.getByLabel("Tool name"));
  await page.keyboard.type("read_file");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("tool-read_file")).toBeVisible();
  await page.keyboard.type("write_file");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("tool-write_file")).toBeVisible();
  // Remove write_file: focus moves to the remaining row's Remove button, and the removal is announced.
  await tabTo(page, page.getByRole("button", { name: "Remove tool write_file" }), { back: true });
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("tool-write_file")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Remove tool read_file" })).toBeFocused();
  await expect(status(page, "Removed tool write_file.")).toHaveCount(1);
  const save = page.getByRole("button", { name: "Save tools" });
  await tabTo(page, save);
  await page.keyboard.press("Space");
  await expect(status(page, "Tools saved to the draft. Publish to apply them.")).toBeVisible();
  const publish = page.getByRole("form", { name: "Publish" }).getByRole("button", { name: "Publish" });
  await expect(publish).toBeFocused();

  // Publish: focus stays on the button (aria-disabled while pending), the result is announced.
  await page.keyboard.press("Enter");
  await expect(status(page, /Published version 1\./)).toBeVisible();
  await expect(publish).toBeFocused();
  // A second version, so there is something to roll back to: switch the tool off (Space), save, publish.
  await tabTo(page, page.getByRole("switch", { name: "read_file enabled" }));
  await page.keyboard.press("Space");
  await expect(page.getByRole("switch", { name: "read_file enabled" })).not.toBeChecked();
  await tabTo(page, save);
  await page.keyboard.press("Enter");
  await expect(publish).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status(page, /Published version 2\./)).toBeVisible();

  // Roll back to v1: the confirmation takes focus; Escape returns to the opener; confirming announces.
  await page.goto(`${resourceUrl}/history`);
  const opener = page.getByRole("button", { name: "Roll back to version 1" });
  await tabTo(page, opener);
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("button", { name: "Confirm rollback to v1" });
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(opener).toBeFocused();
  await page.keyboard.press("Space");
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status(page, /Published version 3\./)).toBeVisible();
  await expect(opener).toBeFocused();
});

test("create a credential and revoke it", async ({ page }) => {
  test.setTimeout(90_000);
  const profile = await page.request.post("/api/v1/idp-profiles", {
    data: { name: `Keyboard IdP ${unique()}`, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000c0de" },
  });
  const profileId = (await profile.json()).idpProfile.id;
  const r = await page.request.post("/api/v1/resources", {
    data: {
      name: `kbd-cred-${unique()}`,
      uri: `https://kbd-cred-${unique()}.example.com/mcp`,
      idpProfileId: profileId,
      audiences: ["api://kbd"],
    },
  });
  expect(r.status()).toBe(201);
  const resourceId = (await r.json()).resource.id;
  const credName = `runner-${unique()}`;

  await page.goto(`/resources/${resourceId}/enforcers`);
  const form = page.getByRole("form", { name: "Create credential" });
  await tabTo(page, form.getByRole("button", { name: "Create credential" }));
  await page.keyboard.press("Enter"); // empty name: refused
  await expect(form.getByTestId("error-summary")).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(form.getByLabel("Credential name")).toBeFocused();
  await page.keyboard.type(credName);
  await page.keyboard.press("Enter");
  await expect(status(page, `Credential ${credName} created. Copy its secret now.`)).toBeVisible();
  await expect(page.locator("#new-credential")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Copy credential" })).toBeFocused();

  const revoke = page.getByRole("button", { name: `Revoke ${credName}` });
  await tabTo(page, revoke, { back: true });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Confirm revoke" })).toBeFocused();
  await page.keyboard.press("Enter");
  const revoked = status(page, `Revoked ${credName}. Enforcers using it are refused from now on.`);
  await expect(revoked).toBeFocused();
  await expect(page.getByRole("row").filter({ hasText: credName })).toContainText("revoked");
});

test("change an admin's role: choosing does nothing until Save and the named confirmation", async ({ page }) => {
  test.setTimeout(90_000);
  const email = `kbd-${unique()}@e2e.test`;
  const created = await page.request.post("/api/v1/admins", {
    data: { email, name: "Kay Board", role: "viewer", password: "keyboard-password-1" },
  });
  expect(created.status()).toBe(201);
  await page.goto("/settings/admins");
  const row = page.getByTestId(`admin-${email}`);
  const select = row.getByLabel(`Role of ${email}`);
  await tabTo(page, select);
  // An arrow key on the closed select picks a role; nothing is saved yet.
  await page.keyboard.press("ArrowUp");
  await expect(select).toHaveValue("admin");
  await page.reload();
  await expect(row.getByRole("cell", { name: "viewer", exact: true })).toBeVisible();

  await tabTo(page, select);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Tab");
  await expect(row.getByRole("button", { name: `Save role for ${email}` })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(
    row.getByRole("group", { name: "Make Kay Board an admin? They will change all configuration, but not admins." }),
  ).toBeVisible();
  await expect(row.getByRole("button", { name: "Make admin" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status(row, "Kay Board is now an admin.")).toBeVisible();
  await expect(select).toBeFocused();
  await expect(row.getByRole("cell", { name: "admin", exact: true })).toBeVisible();

  // Disable confirms too, then focus moves to its replacement (Enable).
  await tabTo(page, row.getByRole("button", { name: `Disable ${email}` }));
  await page.keyboard.press("Enter");
  await expect(row.getByRole("button", { name: "Disable Kay Board" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status(row, "Kay Board is disabled.")).toBeVisible();
  await expect(row.getByRole("button", { name: `Enable ${email}` })).toBeFocused();
});

test("a refused role change puts the selector back and says why", async ({ page }) => {
  const list = await (await page.request.get("/api/v1/admins")).json();
  const owners = list.admins.filter(
    (a: { role: string; status: string }) => a.role === "owner" && a.status === "active",
  );
  test.skip(owners.length !== 1, "another test made a second owner");
  const email = owners[0].email as string;
  await page.goto("/settings/admins");
  const row = page.getByTestId(`admin-${email}`);
  const select = row.getByLabel(`Role of ${email}`);
  await tabTo(page, select);
  await page.keyboard.press("ArrowDown");
  await expect(select).toHaveValue("admin");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(row.getByRole("button", { name: "Make admin" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status(row, /last active owner/)).toBeVisible();
  await expect(select).toHaveValue("owner");
  await expect(select).toBeFocused();
  await expect(row.getByRole("button", { name: `Save role for ${email}` })).toHaveCount(0);
});
