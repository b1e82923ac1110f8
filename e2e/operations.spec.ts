import { expect, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("health reports the database and version; every response carries the security headers", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { status: "ok", provider: "sqlite" } });
  const page = await request.get("/signin");
  const h = page.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["x-request-id"]).toMatch(/[0-9a-f-]{36}/);
  // Plain HTTP on loopback: no HSTS; behind a TLS proxy it is sent.
  expect(h["strict-transport-security"]).toBeUndefined();
  const tls = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(tls.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
});

test("the enforcer config API is answered by the server itself, before Next's router, with the /api headers", async ({
  request,
  playwright,
}) => {
  // Its counters land in the registry /api/metrics exposes, though it runs from the instrumentation bundle.
  const owner = await playwright.request.newContext({ baseURL: E2E.baseUrl, storageState: asRole("owner") });
  const rejected = async () => {
    const text = await (await owner.get("/api/metrics")).text();
    return [...text.matchAll(/^portcullis_enforcer_auth_rejected_total\{[^}]*\} (\d+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };
  const before = await rejected();
  // scripts/serve.mjs hands GET /api/v1/enforcer/config to lib/server/enforcers/config-poll-node.ts (issue 17).
  const refused = await request.get("/api/v1/enforcer/config", { headers: { authorization: "Bearer pcl_x_y" } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
  const h = refused.headers();
  expect(h["www-authenticate"]).toBe('Bearer realm="portcullis", error="invalid_token"');
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["content-security-policy"]).toContain("default-src 'none'");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-request-id"]).toMatch(/[0-9a-f-]{36}/);
  expect(h["content-length"]).toBe(String((await refused.body()).length));
  // Next's router would have added its Vary (rsc, next-router-state-tree, …); the direct path sends none.
  expect(h.vary).toBeUndefined();
  const tls = await request.get("/api/v1/enforcer/config", { headers: { "x-forwarded-proto": "https" } });
  expect(tls.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  // Anything but that exact GET still goes to Next (here: its trailing-slash redirect).
  const slash = await request.get("/api/v1/enforcer/config/", { maxRedirects: 0 });
  expect(slash.status()).toBe(308);
  expect(await rejected()).toBeGreaterThanOrEqual(before + 2); // the two refused above (other workers may add theirs)
  await owner.dispose();
});

test("enforcer heartbeats are answered by the server itself too, with the /api headers", async ({ request }) => {
  // scripts/serve.mjs hands an exact POST /api/v1/enforcer/heartbeat to lib/server/enforcers/heartbeat-node.ts.
  const refused = await request.post("/api/v1/enforcer/heartbeat", {
    headers: { authorization: "Bearer pcl_x_y", "content-type": "application/json" },
    data: { instanceId: "e2e", host: "h", moduleVersion: "1", appliedVersion: null, lastError: null },
  });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
  const h = refused.headers();
  expect(h["www-authenticate"]).toBe('Bearer realm="portcullis", error="invalid_token"');
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["content-security-policy"]).toContain("default-src 'none'");
  expect(h["x-request-id"]).toMatch(/[0-9a-f-]{36}/);
  expect(h["content-length"]).toBe(String((await refused.body()).length));
  // Next's router would have added its Vary (rsc, next-router-state-tree, …); the direct path sends none.
  expect(h.vary).toBeUndefined();
  // A query string or another method still goes to Next's route handler.
  const viaNext = await request.post("/api/v1/enforcer/heartbeat?x=1", {
    headers: { authorization: "Bearer pcl_x_y", "content-type": "application/json" },
    data: {},
  });
  expect(viaNext.status()).toBe(401);
  expect(viaNext.headers().vary).toBeDefined();
});

test.describe("owner", () => {
  test.use({ storageState: asRole("owner") });

  test("switches between light and dark themes, and the choice sticks", async ({ page }) => {
    await page.goto("/");
    const html = page.locator("html");
    const wasDark = ((await html.getAttribute("class")) ?? "").includes("dark");
    await page.getByRole("button", { name: wasDark ? "Switch to light theme" : "Switch to dark theme" }).click();
    await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
    await page.reload();
    await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  });

  test("a disabled admin can no longer sign in, and is enabled again", async ({ page, browser }) => {
    const email = `dis-${unique()}@e2e.test`;
    const created = await page.request.post("/api/v1/admins", {
      data: { email, name: "Dis", role: "viewer", password: "disabled-password-1" },
    });
    expect(created.status()).toBe(201);
    await page.goto("/settings/admins");
    const row = page.getByTestId(`admin-${email}`);
    await row.getByRole("button", { name: `Disable ${email}` }).click();
    await row.getByRole("button", { name: "Disable Dis" }).click(); // the confirmation (issue 21 #4)
    await expect(row.getByText("disabled", { exact: true })).toBeVisible();

    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const other = await ctx.newPage();
    await other.goto("/signin");
    await other.getByLabel("Email").fill(email);
    await other.getByLabel("Password").fill("disabled-password-1");
    await other.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(other.getByRole("status")).toHaveText("This account is disabled. Ask an owner to enable it.");
    await ctx.close();

    await row.getByRole("button", { name: `Enable ${email}` }).click();
    await expect(row.getByText("active", { exact: true })).toBeVisible();
  });
});
