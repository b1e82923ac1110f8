import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

/**
 * Issue 13 #6: unsaved edits no longer vanish. A tab link asks first (Cancel keeps the page and the edit, OK
 * leaves), a reload gets the browser's own prompt, and a saved page leaves without asking.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("unsaved changes (admin)", () => {
  test.use({ storageState: asRole("admin") });

  test("tab links and reload warn while the Tools and Policy tabs have unsaved edits", async ({ page }) => {
    const profile = await page.request.post("/api/v1/idp-profiles", {
      data: {
        name: `Unsaved IdP ${unique()}`,
        kind: "oidc",
        issuer: "https://idp.example.com/",
        jwksUri: "https://idp.example.com/jwks",
      },
    });
    const name = `unsaved-${unique()}`;
    const created = await page.request.post("/api/v1/resources", {
      data: {
        name,
        uri: `https://${name}.example.com/mcp`,
        idpProfileId: (await profile.json()).idpProfile.id,
        audiences: ["api://x"],
      },
    });
    const { resource } = await created.json();
    await page.goto(`/resources/${resource.id}/tools`);
    const tabs = page.getByRole("navigation", { name: "Resource sections" });

    await page.getByLabel("Tool name").fill("unsaved_tool");
    await page.getByRole("button", { name: "Add tool" }).click();
    await expect(page.getByText("Unsaved changes")).toBeVisible();

    // Cancel: the page and the edit stay.
    const asked: string[] = [];
    page.once("dialog", (d) => {
      asked.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    await tabs.getByRole("link", { name: "Policy" }).click();
    await expect.poll(() => asked).toEqual(["confirm: You have unsaved changes. Leave this page and lose them?"]);
    await expect(page).toHaveURL(/\/tools$/);
    await expect(page.getByTestId("tool-unsaved_tool")).toBeVisible();

    // A reload gets the browser's prompt; staying keeps the edit.
    page.once("dialog", (d) => {
      asked.push(d.type());
      void d.dismiss();
    });
    await page.reload({ timeout: 3000 }).catch(() => undefined);
    await expect.poll(() => asked.at(-1)).toBe("beforeunload");
    await expect(page.getByTestId("tool-unsaved_tool")).toBeVisible();

    // OK: leave (the edit is lost, as the admin chose).
    page.once("dialog", (d) => void d.accept());
    await tabs.getByRole("link", { name: "Policy" }).click();
    await expect(page).toHaveURL(/\/policy$/);

    // The Policy tab: dirty by content, clean again once saved.
    const limit = page.getByLabel("Tool invocations per minute", { exact: true });
    await limit.fill("42");
    page.once("dialog", (d) => {
      asked.push(`policy ${d.type()}`);
      void d.dismiss();
    });
    await tabs.getByRole("link", { name: "Tools" }).click();
    await expect.poll(() => asked.at(-1)).toBe("policy confirm");
    await expect(page).toHaveURL(/\/policy$/);
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText("Policy saved to the draft. Publish to apply it.")).toBeVisible();
    const before = asked.length;
    await tabs.getByRole("link", { name: "Tools" }).click();
    await expect(page).toHaveURL(/\/tools$/);
    expect(asked).toHaveLength(before);
  });
});
