import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";
import { startTestIdp, type TestIdp } from "./idp/test-idp";

const TENANT = "e2e0e2e0-0000-4000-8000-0000000000aa";
const OTHER_TENANT = "0bad0bad-0000-4000-8000-0000000000bb";
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("IdP profiles (admin)", () => {
  test.use({ storageState: asRole("admin") });
  let idp: TestIdp;
  test.beforeAll(async () => {
    idp = await startTestIdp({ shape: "entra", tenantId: TENANT });
  });
  test.afterAll(() => idp.close());

  test("creates an Entra profile pointing at a loopback IdP; Test connection succeeds, then diagnoses an edited issuer", async ({
    page,
  }) => {
    const name = `Entra ${unique()}`;
    await page.goto("/idp-profiles/new");
    await page.getByRole("radio", { name: "Microsoft Entra ID" }).check();
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Tenant ID").fill(TENANT);
    await page.getByLabel("Token version", { exact: true }).selectOption("both");
    const preview = page.getByTestId("idp-preview");
    await expect(preview).toContainText(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    await expect(preview).toContainText(`https://sts.windows.net/${TENANT}/`);
    await page.getByLabel("Token version", { exact: true }).selectOption("v2");
    await page.getByText("Advanced: overrides, algorithms and claim profile").click();
    await expect(page.getByLabel("Scope claims")).toHaveValue("scp");
    await expect(page.getByLabel("Client id claims")).toHaveValue("azp, appid");
    await page.getByLabel("Issuer override").fill(idp.issuer);
    await page.getByLabel("Discovery URL override").fill(idp.discoveryUrl);
    await page.getByLabel("JWKS URI override").fill(idp.jwksUri);
    await expect(preview).toContainText("(overridden)");
    await page.screenshot({ path: "/tmp/idp-new.png", fullPage: true });
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();

    await page.getByRole("button", { name: "Test connection" }).click();
    const result = page.getByTestId("test-result");
    await expect(result.getByText("✓ Issuer matches")).toBeVisible();
    await expect(result.getByText("Connection OK")).toBeVisible();
    const keys = result.getByRole("table");
    await expect(keys.getByRole("row")).toHaveCount(2);
    await expect(keys).toContainText("RS256");
    await expect(keys).toContainText("2048 bits");
    await expect(result).toContainText("client_credentials");
    await page.screenshot({ path: "/tmp/idp-detail-ok.png", fullPage: true });

    // A deliberate mismatch: the profile now expects another tenant's issuer.
    const form = page.getByRole("form", { name: "Edit IdP profile" });
    await form.getByLabel("Issuer override").fill(idp.issuer.replace(TENANT, OTHER_TENANT));
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(form.getByText(`Saved ${name}`)).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(result.getByText("✗ Issuer mismatch")).toBeVisible();
    await expect(page.getByTestId("issuer-diagnosis")).toContainText(
      `Wrong tenant: the IdP announces tenant ${TENANT}`,
    );
    await expect(result.getByText("Connection failed")).toBeVisible();
    await page.screenshot({ path: "/tmp/idp-detail-mismatch.png", fullPage: true });

    await page.goto("/idp-profiles");
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row.getByText("failed")).toBeVisible();
    await page.screenshot({ path: "/tmp/idp-list.png", fullPage: true });
  });

  test("the form shows field errors for a non-https issuer and a duplicate name", async ({ page }) => {
    const name = `Dup ${unique()}`;
    const created = await page.request.post("/api/v1/idp-profiles", {
      data: { name, kind: "auth0", domain: "dup.auth0.com" },
    });
    expect(created.status()).toBe(201);
    await page.goto("/idp-profiles/new");
    await page.getByRole("radio", { name: "Generic OIDC" }).check();
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Issuer URL").fill("http://idp.example.com");
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(
      page.getByText("Use https (plain http is allowed only for 127.0.0.1, localhost and ::1).", { exact: true }),
    ).toBeVisible();
    await expect(page.getByLabel("Issuer URL")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Issuer URL").fill("https://idp.example.com");
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page.getByText("An IdP profile with this name already exists.").first()).toBeVisible();
    await expect(page).toHaveURL(/\/idp-profiles\/new$/);
  });

  test("REST: bad input gets a clear error and changes nothing", async ({ page }) => {
    const count = async () =>
      ((await (await page.request.get("/api/v1/idp-profiles")).json()).idpProfiles as unknown[]).length;
    const taken = `Taken ${unique()}`;
    expect(
      (
        await page.request.post("/api/v1/idp-profiles", { data: { name: taken, kind: "okta", domain: "a.okta.com" } })
      ).status(),
    ).toBe(201);
    const before = await count();
    const cases: [string, unknown, number, string, string | null][] = [
      [
        "non-https issuer",
        { name: `x-${unique()}`, kind: "oidc", issuer: "http://idp.example.com" },
        422,
        "invalid_input",
        "issuer",
      ],
      ["malformed URI", { name: `x-${unique()}`, kind: "oidc", issuer: "https//nope" }, 422, "invalid_input", "issuer"],
      [
        "unknown kind",
        { name: `x-${unique()}`, kind: "keycloak", issuer: "https://idp.example.com" },
        422,
        "invalid_input",
        "kind",
      ],
      ["duplicate name", { name: taken, kind: "okta", domain: "b.okta.com" }, 409, "conflict", "name"],
      [
        "10 MB body",
        { name: `x-${unique()}`, kind: "oidc", issuer: "https://idp.example.com", pad: "x".repeat(10 * 1024 * 1024) },
        413,
        "payload_too_large",
        null,
      ],
    ];
    for (const [label, data, status, code, field] of cases) {
      const res = await page.request.post("/api/v1/idp-profiles", { data });
      expect(res.status(), label).toBe(status);
      const body = await res.json();
      expect(body.error.code, label).toBe(code);
      expect(body.error.requestId, label).toBeTruthy();
      if (field) expect(Object.keys(body.error.fields ?? {}), label).toContain(field);
    }
    const notJson = await page.request.post("/api/v1/idp-profiles", {
      headers: { "content-type": "text/plain" },
      data: "hi",
    });
    expect(notJson.status()).toBe(415);
    expect(await count()).toBe(before);
  });
});

test.describe("IdP profiles (viewer)", () => {
  test.use({ storageState: asRole("viewer") });

  test("sees profiles and their test results but no mutation controls; a forged POST gets 403", async ({
    page,
    browser,
  }) => {
    const owner = await browser.newContext({ storageState: asRole("owner") });
    const name = `Viewer-visible ${unique()}`;
    const res = await owner.request.post("/api/v1/idp-profiles", {
      data: { name, kind: "auth0", domain: "viewer.auth0.com" },
    });
    expect(res.status()).toBe(201);
    const { idpProfile } = await res.json();
    await owner.close();

    await page.goto("/idp-profiles");
    await expect(page.getByRole("heading", { name: "IdP profiles", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "New IdP profile" })).toHaveCount(0);
    await page.getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(page.getByText("https://viewer.auth0.com/", { exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Test connection" })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Edit IdP profile" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete profile" })).toHaveCount(0);
    await page.screenshot({ path: "/tmp/idp-detail-viewer.png", fullPage: true });

    const forged = await page.request.post("/api/v1/idp-profiles", {
      data: { name: `forged-${unique()}`, kind: "auth0", domain: "f.auth0.com" },
    });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.code).toBe("forbidden");
    const forgedTest = await page.request.post(`/api/v1/idp-profiles/${idpProfile.id}/test`);
    expect(forgedTest.status()).toBe(403);
    const page403 = await page.goto("/idp-profiles/new");
    expect(page403?.status()).toBe(403);
  });
});
