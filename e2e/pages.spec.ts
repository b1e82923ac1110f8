import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

test.use({ storageState: asRole("owner") });

// Hydration mismatches and failed requests show up only in the browser console; a page that
// throws them still "looks" fine in a screenshot. Every dashboard page must render cleanly.
test("every dashboard page renders without console errors or failed requests", async ({ page }) => {
  const errors: string[] = [];
  let current = "";
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${current}: ${m.text().slice(0, 200)}`);
  });
  page.on("pageerror", (e) => errors.push(`${current}: ${String(e).slice(0, 200)}`));
  for (const path of ["/", "/events", "/resources", "/resources/new", "/idp-profiles", "/audit", "/settings/admins"]) {
    current = path;
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  expect(errors).toEqual([]);
});
