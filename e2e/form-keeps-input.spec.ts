import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";
import { startTestIdp } from "./idp/test-idp";

/**
 * Issue 23 §6: a server action that fails (here a conflict; the same path carries
 * `database_unavailable` and `storage_full`, see lib/server/faults/pg-outage.test.ts) shows its message
 * and keeps what the user typed. React 19 clears a `<form action={…}>` after every action, failed or not.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("a failed form keeps the user's input", () => {
  test.use({ storageState: asRole("owner") });

  test("Add admin: a refused submission keeps every field; a successful one clears them", async ({ page }) => {
    const email = `kept-${unique()}@e2e.test`;
    await page.goto("/settings/admins");
    const form = page.getByRole("form", { name: "Add admin" });
    const fill = async () => {
      await form.getByLabel("Email").fill(email);
      await form.getByLabel("Name").fill("Kept Name");
      await form.getByLabel("Role").selectOption("admin");
      await form.getByLabel("Initial password").fill("a-long-initial-password");
      await form.getByRole("button", { name: "Add admin" }).click();
    };
    await fill();
    await expect(page.getByText(`Added ${email} as admin.`)).toBeVisible();
    await expect(form.getByLabel("Email")).toHaveValue("");

    await fill(); // the same email again: refused
    await expect(form.getByText("An admin with this email already exists.").first()).toBeVisible();
    await expect(form.getByLabel("Email")).toHaveValue(email);
    await expect(form.getByLabel("Name")).toHaveValue("Kept Name");
    await expect(form.getByLabel("Role")).toHaveValue("admin");
    await expect(form.getByLabel("Initial password")).toHaveValue("a-long-initial-password");
  });

  test("Create credential: a refused name stays in the field", async ({ page }) => {
    const idp = await startTestIdp({ shape: "oidc" });
    try {
      const profile = await page.request.post("/api/v1/idp-profiles", {
        data: { name: `Kept IdP ${unique()}`, kind: "oidc", issuer: idp.issuer, jwksUri: idp.jwksUri },
      });
      expect(profile.status()).toBe(201);
      const name = `kept-${unique()}`;
      const res = await page.request.post("/api/v1/resources", {
        data: {
          name,
          uri: `https://${name}.example.com/mcp`,
          idpProfileId: (await profile.json()).idpProfile.id,
          audiences: ["api://kept"],
        },
      });
      expect(res.status()).toBe(201);
      const { resource } = await res.json();
      const cred = await page.request.post(`/api/v1/resources/${resource.id}/credentials`, { data: { name: "taken" } });
      expect(cred.status()).toBe(201);

      await page.goto(`/resources/${resource.id}/enforcers`);
      const form = page.getByRole("form", { name: "Create credential" });
      await form.getByLabel("Credential name").fill("taken");
      await form.getByRole("button", { name: "Create credential" }).click();
      await expect(
        page.getByText("An active credential with this name exists for this resource.").first(),
      ).toBeVisible();
      await expect(form.getByLabel("Credential name")).toHaveValue("taken");
    } finally {
      await idp.close();
    }
  });
});
