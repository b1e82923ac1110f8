import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

const TENANT = "d0d0d0d0-0000-4000-8000-0000000000dd";
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// Issue 13 #1: an admin configures a downstream API in the browser; the published bundle carries it as `obo`,
// with the token endpoint derived from the Entra profile and only the *name* of the secret's variable.
test.describe("Downstream APIs (admin)", () => {
  test.use({ storageState: asRole("admin") });

  test("add, fix a field error, save, publish: the bundle carries the downstream", async ({ page }) => {
    const profile = await page.request.post("/api/v1/idp-profiles", {
      data: { name: `DS IdP ${unique()}`, kind: "entra", tenantId: TENANT, tokenVersion: "v2" },
    });
    expect(profile.status()).toBe(201);
    const name = `ds-${unique()}`;
    const created = await page.request.post("/api/v1/resources", {
      data: {
        name,
        uri: `https://${name}.example.com/mcp`,
        idpProfileId: (await profile.json()).idpProfile.id,
        audiences: ["api://ds"],
      },
    });
    expect(created.status()).toBe(201);
    const { resource } = await created.json();

    await page.goto(`/resources/${resource.id}`);
    await page
      .getByRole("navigation", { name: "Resource sections" })
      .getByRole("link", { name: "Downstream APIs" })
      .click();
    await expect(page.getByText("No downstream APIs yet.")).toBeVisible();
    await page.getByRole("button", { name: "Add downstream API" }).click();
    // Focus lands on the new downstream's first field.
    await expect(page.getByLabel("Name", { exact: true })).toBeFocused();
    await page.getByLabel("Name", { exact: true }).fill("graph");
    await page.getByLabel("Scope to request").fill("https://graph.microsoft.com/.default");
    await expect(page.getByLabel("Token endpoint")).toHaveAttribute(
      "placeholder",
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    );
    await page.getByLabel("Client id", { exact: true }).fill("11111111-2222-3333-4444-555555555555");
    await page.getByLabel("Client authentication").selectOption("client_secret_post");
    await page.getByLabel("Variable name").fill("graph secret");
    await page.getByRole("button", { name: "Save downstream APIs" }).click();
    await expect(page.getByText("Enter an environment variable name, e.g. PORTCULLIS_OBO_GRAPH_SECRET.")).toBeVisible();
    await expect(page.getByLabel("Variable name")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Variable name").fill("PORTCULLIS_OBO_GRAPH_SECRET");
    // Security: an override off the IdP's origin would receive users' tokens and the client secret: refused.
    await page.getByLabel("Token endpoint").fill("https://attacker.example/collect");
    await page.getByRole("button", { name: "Save downstream APIs" }).click();
    await expect(page.getByText(/The token endpoint must be on the IdP's origin/)).toBeVisible();
    await expect(page.getByLabel("Token endpoint")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Token endpoint").fill("");
    await page.getByRole("button", { name: "Save downstream APIs" }).click();
    await expect(page.getByText("Downstream APIs saved to the draft.")).toBeVisible();
    await page.screenshot({ path: "/tmp/downstreams.png", fullPage: true });
    await page.reload();
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("graph");
    await expect(page.getByLabel("Variable name")).toHaveValue("PORTCULLIS_OBO_GRAPH_SECRET");

    const form = page.getByRole("form", { name: "Publish" });
    await form.getByRole("button", { name: "Publish" }).click();
    await expect(form.getByRole("status")).toContainText("Published version 1");
    const v = await page.request.get(`/api/v1/resources/${resource.id}/versions/1`);
    const { version } = await v.json();
    expect(version.bundle.policy.obo).toEqual([
      {
        name: "graph",
        grant: "entra_obo",
        scope: "https://graph.microsoft.com/.default",
        tokenEndpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
        clientId: "11111111-2222-3333-4444-555555555555",
        clientAuth: "client_secret_post",
        secretFrom: { env: "PORTCULLIS_OBO_GRAPH_SECRET" },
      },
    ]);
  });
});
