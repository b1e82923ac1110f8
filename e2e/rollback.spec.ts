import { expect, type Page, test } from "@playwright/test";
import { type AttachedEnforcer, attachEnforcer } from "./fixtures/attached-enforcer";
import { expectNoAxeViolationsInBothThemes } from "./fixtures/axe-themes";
import { asRole } from "./fixtures/roles";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

/**
 * Issue 13 #4 and #5 as an admin walks them: a rollback resets the draft (the draft it replaced kept as a restorable
 * snapshot), the header compares content, Compare shows the pair the rollback changed, an unchanged draft is not
 * published again, and a real enforcer refuses the rolled-back tool.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const AUDIENCE = "api://e2e-rollback";

async function publishInUi(page: Page, note: string) {
  const form = page.getByRole("form", { name: "Publish" });
  await form.getByLabel("Release note").fill(note);
  await form.getByRole("button", { name: "Publish", exact: true }).click();
}

async function setDeleteFile(page: Page, enabled: boolean) {
  await page.getByRole("navigation", { name: "Resource sections" }).getByRole("link", { name: "Tools" }).click();
  await page.getByLabel("delete_file enabled").setChecked(enabled);
  await page.getByRole("button", { name: "Save tools" }).click();
  await expect(page.getByText("Tools saved to the draft.")).toBeVisible();
}

test.describe("rollback and publish guardrails (admin)", () => {
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

  test("roll back, keep the draft as a snapshot, refuse an empty publish, restore", async ({ page }) => {
    test.setTimeout(120_000);
    const profile = await page.request.post("/api/v1/idp-profiles", {
      data: { name: `Rollback IdP ${unique()}`, kind: "oidc", issuer: idp.issuer, jwksUri: idp.jwksUri },
    });
    expect(profile.status()).toBe(201);
    const name = `rollback-${unique()}`;
    const uri = `https://${name}.example.com/mcp`;
    const created = await page.request.post("/api/v1/resources", {
      data: { name, uri, idpProfileId: (await profile.json()).idpProfile.id, audiences: [AUDIENCE] },
    });
    const { resource } = await created.json();
    await page.request.put(`/api/v1/resources/${resource.id}/tools`, {
      data: { unlistedTools: "deny", tools: [{ name: "search" }, { name: "delete_file", enabled: false }] },
    });

    await page.goto(`/resources/${resource.id}`);
    await expect(page.getByText("Draft not published yet")).toBeVisible();
    await publishInUi(page, "v1: delete_file off");
    await expect(page.getByRole("form", { name: "Publish" }).getByRole("status")).toContainText("Published version 1");
    enforcer = await attachEnforcer(page.request, {
      resourceId: resource.id,
      resourceUri: uri,
      idp,
      audience: AUDIENCE,
    });
    expect((await enforcer.callTool("delete_file")).reason).toBe("tool_not_allowed");

    await setDeleteFile(page, true);
    await expect(page.getByRole("link", { name: "Draft differs from v1: 1 change" })).toBeVisible();
    await publishInUi(page, "v2: delete_file on");
    await expect(page.getByRole("form", { name: "Publish" }).getByRole("status")).toContainText("Published version 2");
    await expect.poll(() => enforcer?.version(), { timeout: 5000 }).toBe(2);
    expect((await enforcer.callTool("delete_file")).status).toBe(200);

    // Unpublished work in progress, then the rollback.
    await page.getByLabel("Tool name").fill("draft_only");
    await page.getByRole("button", { name: "Add tool" }).click();
    await page.getByRole("button", { name: "Save tools" }).click();
    await expect(page.getByText("Tools saved to the draft.")).toBeVisible();
    await page.getByRole("navigation", { name: "Resource sections" }).getByRole("link", { name: "History" }).click();
    await page.getByRole("button", { name: "Roll back to version 1" }).click();
    await page.getByRole("button", { name: "Confirm rollback to v1" }).click();
    await expect(page.getByText(/Published version 3\. The draft is now v1's\./)).toBeVisible();
    await expect(page).toHaveURL(/from=2&to=3/);
    // The header compares content: the draft is v1's again, which is what v3 enforces.
    await expect(page.getByText("Draft published", { exact: true })).toBeVisible();
    // Compare shows the pair whose diff is shown.
    await expect(page.getByLabel("From", { exact: true })).toHaveValue("2");
    await expect(page.getByLabel("To", { exact: true })).toHaveValue("3");
    await expect(page.getByRole("heading", { name: "Changes from v2 to v3" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Changes" })).toContainText("tools[delete_file].enabled");
    await expect.poll(() => enforcer?.version(), { timeout: 5000 }).toBe(3);
    expect((await enforcer.callTool("delete_file")).reason).toBe("tool_not_allowed");

    // The next publish re-enables nothing: there is nothing to publish.
    await publishInUi(page, "again");
    await expect(page.getByRole("form", { name: "Publish" }).getByRole("status")).toContainText(
      "Nothing to publish: the draft is the same as the live version v3.",
    );

    // The replaced draft is a named snapshot; restoring it brings the work back.
    const snapshots = page.getByRole("list", { name: "Draft snapshots" });
    await expect(snapshots).toContainText("Draft before rollback to v1 (v3)");
    await snapshots.getByRole("button", { name: "Restore Draft before rollback to v1 (v3)" }).click();
    await page.getByRole("button", { name: "Confirm restore" }).click();
    await expect(page.getByText("Restored as the draft. Publish when ready.")).toBeVisible();
    const badge = page.getByRole("link", { name: "Draft differs from v3: 2 changes" });
    await expect(badge).toBeVisible();
    await badge.click();
    await expect(page.getByRole("heading", { name: "Changes from v3 to the draft" })).toBeVisible();
    await expect(page.getByLabel("From", { exact: true })).toHaveValue("3");
    await expect(page.getByLabel("To", { exact: true })).toHaveValue("draft");
    await expect(page.getByRole("list", { name: "Changes" })).toContainText("draft_only");
    await page.screenshot({ path: "/tmp/rollback-history.png", fullPage: true });
    // History with snapshots and the draft badge: WCAG 2.2 AA in both themes.
    await expectNoAxeViolationsInBothThemes(page);
  });

  test("a failed Test connection asks before publishing, naming the risk", async ({ page }) => {
    // A profile whose discovery cannot be reached: Test connection fails.
    const profile = await page.request.post("/api/v1/idp-profiles", {
      data: {
        name: `Down IdP ${unique()}`,
        kind: "oidc",
        issuer: "http://127.0.0.1:9/",
        jwksUri: "http://127.0.0.1:9/jwks",
      },
    });
    const profileId = (await profile.json()).idpProfile.id;
    const test_ = await page.request.post(`/api/v1/idp-profiles/${profileId}/test`);
    expect(test_.status()).toBeLessThan(500);
    const name = `risky-${unique()}`;
    const created = await page.request.post("/api/v1/resources", {
      data: { name, uri: `https://${name}.example.com/mcp`, idpProfileId: profileId, audiences: [AUDIENCE] },
    });
    const { resource } = await created.json();
    await page.goto(`/resources/${resource.id}`);
    await publishInUi(page, "risky");
    const status = page.getByRole("form", { name: "Publish" }).getByRole("status");
    await expect(status).toContainText("Publish anyway?");
    await expect(status).toContainText(/last Test connection of IdP profile .* failed/);
    await expect(status.getByRole("button", { name: "Publish anyway" })).toBeFocused();
    await status.getByRole("button", { name: "Publish anyway" }).click();
    await expect(status).toContainText("Published version 1");
  });
});
