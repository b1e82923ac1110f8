import { expect, test } from "@playwright/test";
import { asRole } from "./fixtures/roles";

/** Issue 14: the API reference page, rendered from the served OpenAPI document. */
test.use({ storageState: asRole("viewer") });

test("the API reference lists every family and operation, with schemas on demand and the JSON document", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByRole("link", { name: "API reference", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "API families" }).getByRole("link", { name: /^Resources/ }),
  ).toBeVisible();

  const op = page.getByTestId("op-POST /api/v1/resources");
  await expect(op).toContainText("Auth: API token or session · resources.write");
  const summary = op.getByText("Request body of POST /api/v1/resources (JSON Schema)");
  await summary.focus();
  await page.keyboard.press("Enter");
  const schema = op.getByRole("region", { name: "Request body of POST /api/v1/resources" });
  await expect(schema).toContainText('"idpProfileId"');

  const doc = await page.request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  const json = await doc.json();
  expect(json.openapi).toBe("3.1.0");
  expect(Object.keys(json.paths)).toContain("/api/v1/resources/{id}");
  await expect(page.getByTestId("op-GET /api/v1/enforcer/config")).toContainText("enforcer credential");
});
