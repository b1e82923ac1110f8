import { expect, test } from "@playwright/test";
import { createEnforcer } from "../lib/enforcer/enforcer";
import { EnforcerPolicy } from "../lib/enforcer/policy";
import { type DemoServer, startDemoServer } from "../scripts/demo/mcp-server";
import { expectNoAxeViolationsInBothThemes } from "./fixtures/axe-themes";
import { asRole } from "./fixtures/roles";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

/**
 * Issue 13 #5 as an admin walks it: tools imported from a running MCP server arrive disabled and marked new;
 * publishing one enabled asks first, naming it; editing the IdP profile names the resources that need republishing
 * and republishes them in one click.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const AUDIENCE = "api://e2e-guardrails";

test.describe("publish guardrails (admin)", () => {
  test.use({ storageState: asRole("admin") });
  let idp: TestIdp;
  let server: DemoServer;
  test.beforeAll(async () => {
    idp = await startTestIdp({ shape: "oidc" });
    server = await startDemoServer(0);
    // The MCP server to import from, behind its own enforcer (a token minted by the test IdP lists its tools).
    const policy = EnforcerPolicy.parse({
      resource: { uri: server.url("/mcp"), name: "import-source" },
      idp: {
        kind: "oidc",
        issuers: [idp.issuer],
        jwksUri: idp.jwksUri,
        audiences: [AUDIENCE],
        authorizationServers: [idp.issuer],
      },
      unlistedTools: "allow",
    });
    server.protect(createEnforcer({ policy }));
  });
  test.afterAll(async () => {
    await server.close();
    await idp.close();
  });

  test("imported tools arrive disabled; enabling one asks at publish; a profile edit offers to republish", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const profileRes = await page.request.post("/api/v1/idp-profiles", {
      data: { name: `Guard IdP ${unique()}`, kind: "oidc", issuer: idp.issuer, jwksUri: idp.jwksUri },
    });
    const profile = (await profileRes.json()).idpProfile;
    const name = `guard-${unique()}`;
    const created = await page.request.post("/api/v1/resources", {
      data: { name, uri: `https://${name}.example.com/mcp`, idpProfileId: profile.id, audiences: [AUDIENCE] },
    });
    const { resource } = await created.json();
    await page.request.put(`/api/v1/resources/${resource.id}/tools`, {
      data: { unlistedTools: "deny", tools: [{ name: "search" }] },
    });

    await page.goto(`/resources/${resource.id}/tools`);
    await page.getByLabel("MCP server URL").fill(server.url("/mcp"));
    await page
      .getByLabel("Access token (optional)")
      .fill(await idp.mintAccessToken({ scopes: ["mcp:tools"], audience: AUDIENCE }));
    await page.getByRole("button", { name: "List tools" }).click();
    await page.getByRole("button", { name: /^Add \d+ selected$/ }).click();
    const row = page.getByTestId("tool-read_file");
    await expect(row).toContainText("new from import");
    await expect(page.getByLabel("read_file enabled")).not.toBeChecked();
    await expect(page.getByLabel("delete_file enabled")).not.toBeChecked();
    await page.getByLabel("read_file enabled").check();
    await page.getByRole("button", { name: "Save tools" }).click();
    await expect(page.getByText("Tools saved to the draft.")).toBeVisible();

    const form = page.getByRole("form", { name: "Publish" });
    await form.getByRole("button", { name: "Publish", exact: true }).click();
    const status = form.getByRole("status");
    await expect(status).toContainText("Publish anyway?");
    await expect(status).toContainText("Enabled tools the last import marked new (not yet reviewed): read_file.");
    await status.getByRole("button", { name: "Publish anyway" }).click();
    await expect(status).toContainText("Published version 1");
    const v1 = await (await page.request.get(`/api/v1/resources/${resource.id}/versions/1`)).json();
    expect(
      v1.version.bundle.policy.tools
        .filter((t: { enabled: boolean }) => t.enabled)
        .map((t: { name: string }) => t.name),
    ).toEqual(["search", "read_file"]);
    // Published: the marks are gone, the next publish has nothing to ask (and nothing to publish).
    await page.reload();
    await expect(page.getByTestId("tool-read_file")).not.toContainText("new from import");

    // An IdP profile edit leaves the live bundle behind: the profile page says so and republishes.
    const rotated = new URL("/rotated/jwks", idp.jwksUri).href;
    const edited = await page.request.put(`/api/v1/idp-profiles/${profile.id}`, {
      data: { name: profile.name, kind: "oidc", issuer: idp.issuer, jwksUri: rotated },
    });
    expect(edited.status(), await edited.text()).toBe(200);
    await page.goto(`/idp-profiles/${profile.id}`);
    await expect(page.getByRole("heading", { name: "1 resource needs republishing" })).toBeVisible();
    await expect(page.getByText(`${name} (v1)`)).toBeVisible();
    await expectNoAxeViolationsInBothThemes(page);
    await page.getByRole("button", { name: "Republish 1 resource" }).click();
    await expect(page.getByText(`${name}: published v2.`)).toBeVisible();
    const v2 = await (await page.request.get(`/api/v1/resources/${resource.id}/versions/2`)).json();
    expect(v2.version.bundle.policy.idp.jwksUri).toBe(rotated);
  });
});
