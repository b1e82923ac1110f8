import { expect, test } from "@playwright/test";
import { type AttachedEnforcer, attachEnforcer } from "./fixtures/attached-enforcer";
import { expectNoAxeViolationsInBothThemes } from "./fixtures/axe-themes";
import { asRole } from "./fixtures/roles";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

/**
 * Issue 13 #7 as an admin walks it: archive a published resource in the browser and watch a real enforcer refuse
 * every call with resource_archived; restore it (calls work again); archive again and delete it by typing its name
 * (a wrong name is refused next to the field); the IdP profile stays protected while the archived resource exists.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const AUDIENCE = "api://e2e-archive";

test.describe("archive, restore, delete (admin)", () => {
  test.use({ storageState: asRole("admin") });
  let idp: TestIdp;
  let enforcer: AttachedEnforcer | undefined;
  test.beforeAll(async () => {
    idp = await startTestIdp({ shape: "oidc" });
  });
  test.afterAll(async () => {
    enforcer?.stop();
    await idp.close();
  });

  test("archive denies everything with resource_archived; restore; delete with the typed name", async ({ page }) => {
    test.setTimeout(120_000);
    const profile = await page.request.post("/api/v1/idp-profiles", {
      data: { name: `Archive IdP ${unique()}`, kind: "oidc", issuer: idp.issuer, jwksUri: idp.jwksUri },
    });
    const profileId = (await profile.json()).idpProfile.id;
    const name = `archive-${unique()}`;
    const uri = `https://${name}.example.com/mcp`;
    const created = await page.request.post("/api/v1/resources", {
      data: { name, uri, idpProfileId: profileId, audiences: [AUDIENCE] },
    });
    const { resource } = await created.json();
    await page.request.put(`/api/v1/resources/${resource.id}/tools`, {
      data: { unlistedTools: "deny", tools: [{ name: "search" }] },
    });
    expect((await page.request.post(`/api/v1/resources/${resource.id}/publish`, { data: {} })).status()).toBe(201);
    enforcer = await attachEnforcer(page.request, {
      resourceId: resource.id,
      resourceUri: uri,
      idp,
      audience: AUDIENCE,
    });
    expect((await enforcer.callTool("search")).status).toBe(200);

    await page.goto(`/resources/${resource.id}`);
    await page.getByRole("button", { name: "Archive resource" }).click();
    await page.getByRole("button", { name: "Confirm archive" }).click();
    await expect(page.getByText("Archived (published v2): enforcers now refuse every request.")).toBeVisible();
    await expect(page.getByRole("note")).toContainText("Archived");
    await expect(page.getByRole("note")).toContainText("resource_archived");
    await expect.poll(() => enforcer?.version(), { timeout: 5000 }).toBe(2);
    expect(await enforcer.callTool("search")).toEqual({ status: 403, reason: "resource_archived" });
    // Publishing an archived resource is refused; the list shows it archived.
    await page.getByRole("form", { name: "Publish" }).getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.getByRole("form", { name: "Publish" }).getByRole("status")).toContainText(
      "This resource is archived: restore it before publishing.",
    );

    await page.getByRole("button", { name: "Restore resource" }).click();
    await page.getByRole("button", { name: "Confirm restore" }).click();
    await expect(page.getByText("Restored (published v3): enforcers serve the previous policy again.")).toBeVisible();
    await expect(page.getByRole("note")).toHaveCount(0);
    await expect.poll(() => enforcer?.version(), { timeout: 5000 }).toBe(3);
    expect((await enforcer.callTool("search")).status).toBe(200);

    await page.getByRole("button", { name: "Archive resource" }).click();
    await page.getByRole("button", { name: "Confirm archive" }).click();
    await expect(page.getByRole("note")).toContainText("Archived");
    // The profile is still in use.
    const del = await page.request.delete(`/api/v1/idp-profiles/${profileId}`);
    expect(del.status()).toBe(409);

    // The archived note and the Danger zone with its delete form: WCAG 2.2 AA in both themes.
    await expectNoAxeViolationsInBothThemes(page);
    const field = page.getByLabel(`Type ${name} to confirm`);
    await field.fill("wrong-name");
    await page.getByRole("button", { name: "Delete resource" }).click();
    await expect(page.getByText(`Type ${name} exactly.`)).toBeVisible();
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await field.fill(name);
    await page.getByRole("button", { name: "Delete resource" }).click();
    await expect(page).toHaveURL(/\/resources$/);
    await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
    expect((await page.request.get(`/api/v1/resources/${resource.id}`)).status()).toBe(404);
  });
});
