import { expect, test } from "@playwright/test";

// Static assets from public/ are served to signed-out visitors (no redirect to /signin).
test.use({ storageState: { cookies: [], origins: [] } });

test("robots.txt keeps the admin console out of search engines", async ({ request }) => {
  const res = await request.get("/robots.txt", { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  const body = await res.text();
  expect(body).toContain("User-agent: *");
  expect(body).toMatch(/^Disallow: \/$/m);
});

test("the sign-in page shows the logo from public/", async ({ page }) => {
  await page.goto("/signin");
  const logo = page.locator('img[src="/logo.svg"]');
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const res = await page.request.get("/logo.svg", { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
});
