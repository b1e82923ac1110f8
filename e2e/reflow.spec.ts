import { expect, request, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";
import { resourceWithTraffic } from "./fixtures/traffic";
import { startTestIdp } from "./idp/test-idp";

/**
 * Issue 21 #5 (and issue 13 #12): at 320 x 800 CSS px no page scrolls sideways (wide tables scroll inside
 * their own labelled region), the signed-in email is not clipped, and the navigation is a menu reachable by
 * keyboard. Pages carry real data: a resource with enforcer telemetry (charts drawn).
 */
test.use({ storageState: asRole("owner"), viewport: { width: 320, height: 800 } });

let resourceId = "";
let profileId = "";

test.beforeAll(async () => {
  test.info().setTimeout(90_000);
  // Ports 5164-5165 of this suite's range, one per parallel worker.
  const idp = await startTestIdp({ shape: "oidc", port: 5164 + test.info().parallelIndex });
  const api = await request.newContext({ baseURL: E2E.baseUrl, storageState: asRole("owner") });
  try {
    const { resource, profile } = await resourceWithTraffic(api, idp, "reflow");
    resourceId = resource.id;
    profileId = profile.id;
  } finally {
    await api.dispose();
    await idp.close();
  }
});

const PAGES: [string, () => string][] = [
  ["Overview", () => "/"],
  ["Resources", () => "/resources"],
  ["New resource", () => "/resources/new"],
  ["Resource overview", () => `/resources/${resourceId}`],
  ["Resource policy", () => `/resources/${resourceId}/policy`],
  ["Resource tools", () => `/resources/${resourceId}/tools`],
  ["Resource downstreams", () => `/resources/${resourceId}/downstreams`],
  ["Resource IdP setup", () => `/resources/${resourceId}/idp-setup`],
  ["Resource enforcers", () => `/resources/${resourceId}/enforcers`],
  ["Resource history", () => `/resources/${resourceId}/history`],
  ["IdP profiles", () => "/idp-profiles"],
  ["New IdP profile", () => "/idp-profiles/new"],
  ["IdP profile", () => `/idp-profiles/${profileId}`],
  ["Events", () => "/events"],
  ["Failure reasons", () => "/events/reasons"],
  ["Token debugger", () => "/token-debugger"],
  ["Alerts", () => "/alerts"],
  ["Audit trail", () => "/audit"],
  ["Alert rules", () => "/settings/alerts"],
  ["Audit streaming", () => "/settings/audit-streaming"],
  ["Admins", () => "/settings/admins"],
  ["API tokens", () => "/settings/api-tokens"],
];

for (const [name, path] of PAGES) {
  test(`${name} does not scroll sideways at 320 px`, async ({ page }) => {
    await page.goto(path());
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
      const doc = document.scrollingElement as HTMLElement;
      // The elements sticking out of the viewport that no scrolling ancestor contains: the culprits, named
      // when this fails.
      const clipped = (el: Element) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== "visible" && a.getBoundingClientRect().right <= window.innerWidth + 0.5)
            return true;
        }
        return false;
      };
      const widest = [...document.querySelectorAll<HTMLElement>("body *")]
        .filter(
          (el) =>
            el.getBoundingClientRect().right > window.innerWidth + 0.5 &&
            (!clipped(el) || ["absolute", "fixed"].includes(getComputedStyle(el).position)),
        )
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}.${el.className.toString().slice(0, 50)} → ${Math.round(el.getBoundingClientRect().right)}px`,
        )
        .slice(-4)
        .join("\n");
      return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, widest };
    });
    expect(scrollWidth, widest).toBeLessThanOrEqual(innerWidth);
    const email = page.getByTestId("current-admin");
    await expect(email).toHaveText(E2E.owner.email);
    const box = await email.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= innerWidth).toBe(true);
  });
}

test("the navigation is a menu reached and used by keyboard at 320 px", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await page.keyboard.press("Tab"); // skip link
  await page.keyboard.press("Tab");
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toBeFocused();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Audit trail" })).toBeVisible();
  // Escape closes and returns focus to the button.
  await page.keyboard.press("Tab");
  await expect(nav.getByRole("link", { name: "Overview" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toBeFocused();
  await expect(nav).toBeHidden();
  // Open again and follow a link with the keyboard.
  await page.keyboard.press("Space");
  for (let i = 0; i < 7; i++) await page.keyboard.press("Tab");
  await expect(nav.getByRole("link", { name: "Audit trail" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
});
