import { readFileSync } from "node:fs";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

/**
 * IdP kits and the token debugger in Chromium: download each kit format, verify the kit against a
 * loopback IdP (S256 and scopes pass) and against a variant that does not advertise S256 (flagged),
 * then paste an expired and a wrong-audience token into the debugger and read the failing step and fix.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const AUDIENCE = "api://e2e-kit";

async function createResource(request: APIRequestContext, idp: TestIdp, label: string) {
  const profile = await request.post("/api/v1/idp-profiles", {
    data: { name: `${label} IdP ${unique()}`, kind: "oidc", issuer: idp.issuer, jwksUri: idp.jwksUri },
  });
  expect(profile.status()).toBe(201);
  const name = `${label}-${unique()}`;
  const res = await request.post("/api/v1/resources", {
    data: {
      name,
      uri: `https://${name}.example.com/mcp`,
      idpProfileId: (await profile.json()).idpProfile.id,
      audiences: [AUDIENCE],
    },
  });
  expect(res.status()).toBe(201);
  const id = (await res.json()).resource.id as string;
  const tools = await request.put(`/api/v1/resources/${id}/tools`, {
    data: { unlistedTools: "deny", tools: [{ name: "search" }] },
  });
  expect(tools.status()).toBe(200);
  return { id, name };
}

async function verify(page: Page) {
  await page.getByRole("button", { name: "Verify against the IdP" }).click();
  await expect(page.getByTestId("verify-result")).toBeVisible();
}

test.describe("IdP kit and token debugger (admin)", () => {
  test.use({ storageState: asRole("admin") });
  let good: TestIdp;
  let noS256: TestIdp;
  test.beforeAll(async () => {
    good = await startTestIdp({ shape: "oidc", audience: AUDIENCE });
    noS256 = await startTestIdp({
      shape: "oidc",
      audience: AUDIENCE,
      discoveryOverrides: { code_challenge_methods_supported: undefined },
    });
  });
  test.afterAll(async () => {
    await good.close();
    await noS256.close();
  });

  test("downloads every kit format and verifies the kit against the live IdP", async ({ page }) => {
    const resource = await createResource(page.request, good, "kit");
    await page.goto(`/resources/${resource.id}`);
    await page.getByRole("link", { name: "IdP setup" }).click();
    await expect(page.getByRole("heading", { name: `Generic OIDC provider setup for ${resource.name}` })).toBeVisible();
    await expect(page.getByTestId("step-mcp.metadata")).toContainText("/.well-known/oauth-protected-resource/mcp");

    const downloads = page.getByRole("navigation", { name: "Download the kit" });
    for (const [label, ext, marker] of [
      ["Markdown", "md", "- [ ] **Discovery from the resource's metadata**"],
      ["Printable HTML", "html", '<input type="checkbox"'],
      ["JSON", "json", '"format": "portcullis.idp-kit/v1"'],
      ["Terraform", "tf", 'variable "issuer"'],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        downloads.getByRole("link", { name: label }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${resource.name}-oidc-idp-kit.${ext}`);
      const text = readFileSync(await download.path(), "utf8");
      expect(text).toContain(marker);
      expect(text).toContain(good.issuer);
    }

    await verify(page);
    await expect(page.getByTestId("check-pkce_s256")).toContainText("✓ pass");
    await expect(page.getByTestId("check-scopes_published")).toContainText("✓ pass");
    await expect(page.getByTestId("check-issuer")).toContainText("✓ pass");
    await expect(page.getByTestId("step-mcp.pkce")).toContainText("✓ verified");
    await expect(page.getByTestId("step-oidc.scopes")).toContainText("✓ verified");
    await page.screenshot({ path: "/tmp/idp-kit-verified.png", fullPage: true });

    // A sample token for another audience: checked against the kit, pointing at the step that fixes it.
    await page.getByText("Optional: check a sample access token against the kit").click();
    await page.getByLabel("Sample access token").fill(await good.mintAccessToken({ audience: "api://someone-else" }));
    await verify(page);
    const sample = page.getByTestId("sample-result");
    await expect(sample.getByRole("listitem").filter({ hasText: "Audience (aud)" })).toContainText("✗ fail");
    await expect(sample).toContainText("→ kit step oidc.resource");
  });

  test("flags an IdP that does not advertise PKCE S256", async ({ page }) => {
    const resource = await createResource(page.request, noS256, "nos256");
    await page.goto(`/resources/${resource.id}/idp-setup`);
    await verify(page);
    await expect(page.getByTestId("check-pkce_s256")).toContainText("✗ fail");
    await expect(page.getByTestId("check-pkce_s256")).toContainText("code_challenge_methods_supported is absent");
    await expect(page.getByTestId("step-mcp.pkce")).toContainText("✗ flagged");
    await expect(page.getByTestId("check-scopes_published")).toContainText("✓ pass");
    await page.screenshot({ path: "/tmp/idp-kit-no-s256.png", fullPage: true });
  });

  test("the debugger explains an expired and a wrong-audience token", async ({ page }) => {
    const resource = await createResource(page.request, good, "dbg");
    await page.goto("/token-debugger");
    await expect(page.getByTestId("production-warning")).toContainText("Before you paste a production token");
    const form = page.getByRole("form", { name: "Debug a token" });
    await form.getByLabel("Resource").selectOption({ label: resource.name });
    await form.getByLabel("Policy version").selectOption("draft");

    await form.getByLabel("Access token").fill(await good.mintAccessToken({ expiresInSec: -600 }));
    await form.getByRole("button", { name: "Debug token" }).click();
    await expect(page.getByTestId("verdict")).toContainText("Denied: token_expired");
    await expect(page.getByTestId("step-time")).toContainText("✗ fail");
    await expect(page.getByTestId("fix-time")).toContainText("the client must refresh it");
    await expect(page.getByTestId("step-signature")).toContainText("✓ pass");
    await page.screenshot({ path: "/tmp/token-debugger-expired.png", fullPage: true });

    await form.getByLabel("Access token").fill(await good.mintAccessToken({ audience: "e2e-kit" }));
    await form.getByLabel("Simulated MCP method").selectOption("tools/call");
    await form.getByLabel("Tool name").fill("search");
    await form.getByRole("button", { name: "Debug token" }).click();
    await expect(page.getByTestId("verdict")).toContainText("Denied: audience_mismatch");
    await expect(page.getByTestId("step-audience")).toContainText("lacks the api:// prefix");
    const fix = page.getByTestId("fix-audience");
    await expect(fix).toContainText("api:// prefix included");
    await expect(fix.getByRole("link", { name: "IdP setup step oidc.resource" })).toBeVisible();
    await expect(fix.getByRole("link", { name: "Resource settings" })).toHaveAttribute(
      "href",
      `/resources/${resource.id}`,
    );
    await page.screenshot({ path: "/tmp/token-debugger-audience.png", fullPage: true });
    await fix.getByRole("link", { name: "IdP setup step oidc.resource" }).click();
    await expect(page.getByTestId("step-oidc.resource")).toBeInViewport();
  });

  test("opened from a denied event, the debugger pre-fills the resource and shows the reason", async ({ page }) => {
    const resource = await createResource(page.request, good, "evt");
    await page.goto(
      `/token-debugger?resource=${resource.id}&event=42&reason=audience_mismatch&method=tools/call&tool=search`,
    );
    await expect(page.getByTestId("event-reason")).toContainText("audience_mismatch: Audience mismatch");
    const form = page.getByRole("form", { name: "Debug a token" });
    await expect(form.getByLabel("Resource")).toHaveValue(resource.id);
    await expect(form.getByLabel("Simulated MCP method")).toHaveValue("tools/call");
    await expect(form.getByLabel("Tool name")).toHaveValue("search");
    await page.screenshot({ path: "/tmp/token-debugger-event.png", fullPage: true });
  });
});
