import { createHmac } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { httpReceiver, jsonLinesAt } from "../lib/server/audit-stream/test-receivers";
import { asRole } from "./fixtures/roles";

/**
 * Settings → Audit streaming in Chromium: an admin adds a webhook sink pointing at a loopback
 * receiver started here, copies the signing secret shown once, sends a test event (the receiver's
 * answer is announced), watches the server's own background job stream the audit trail (signed JSON
 * Lines) and the status turn to "delivered", then pauses and deletes the sink; bad input gets an error
 * summary that takes focus. Viewers see the status and no controls.
 */
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
type Line = { id: string; type: string; action?: string };

test.describe("audit streaming", () => {
  test.use({ storageState: asRole("admin") });
  // The same loopback receiver the data-layer tests use.
  const receiver = httpReceiver();
  const hits = receiver.hits;
  test.beforeAll(() => receiver.up());
  test.afterAll(() => receiver.down());

  test("add a webhook sink, send a test event, watch the audit trail arrive, pause and delete", async ({ page }) => {
    test.setTimeout(90_000);
    const name = `siem-${unique()}`;
    const path = `/siem/${name}`;
    const url = `http://127.0.0.1:${receiver.port}${path}`;
    const lines = () => jsonLinesAt<Line>(receiver, path);

    await page.goto("/settings/audit-streaming");
    await expect(page.getByRole("heading", { level: 1, name: "Audit streaming" })).toBeVisible();
    const form = page.getByRole("form", { name: "Add a sink" });

    // Bad input: the summary takes focus and names each field.
    await form.getByLabel("URL").fill("ftp://nowhere");
    await form.getByRole("button", { name: "Add sink" }).click();
    const summary = page.getByTestId("error-summary");
    await expect(summary).toBeFocused();
    await expect(summary).toContainText("Name: Enter a name.");
    await expect(form.getByLabel("URL")).toHaveValue("ftp://nowhere"); // input kept

    await form.getByLabel("Name").fill(name);
    await form.getByLabel("URL").fill(url);
    await form.getByRole("checkbox", { name: "Also send enforcer denials" }).check();
    await form.getByRole("button", { name: "Add sink" }).click();
    const secretBox = page.locator("#new-sink-secret");
    await expect(secretBox).toBeFocused();
    const secret = (await page.getByTestId("sink-signing-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);

    const row = page.getByTestId(`sink-${name}`);
    await expect(row).toContainText("HTTPS webhook (JSON Lines, signed)");
    await expect(row).toContainText("audit + denials");
    await expect(row).toContainText(new URL(url).origin);
    expect(await row.textContent()).not.toContain(path); // only the origin is shown

    // Send test event: the receiver's answer, announced beside the button.
    await row.getByRole("button", { name: `Send test event to ${name}` }).click();
    await expect(row.getByRole("status").filter({ hasText: "accepted" })).toContainText(`accepted by ${name}.`);
    const sample = hits.find((h) => h.body.includes(`audit sink \\"${name}\\"`));
    expect(sample?.headers["portcullis-event"]).toBe("audit.batch");
    const [t, v1] = String(sample?.headers["portcullis-signature"]).split(",");
    const ts = t?.slice(2) ?? "";
    expect(v1).toBe(`v1=${createHmac("sha256", secret).update(`${ts}.${sample?.body}`).digest("hex")}`);

    // The server's background job streams the trail: the sink's creation and its test, in order.
    await expect
      .poll(() => lines().map((l) => l.action), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(["audit_sink.create", "audit_sink.test"]));
    const actions = lines().map((l) => l.action);
    expect(actions.indexOf("audit_sink.create")).toBeLessThan(actions.indexOf("audit_sink.test"));
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId(`sink-${name}`)).not.toContainText("Last delivered never");
    }).toPass({ timeout: 20_000 });

    // With a sink, its status and its open edit form: no WCAG 2.2 A/AA violation in either theme.
    await page.getByText(`Edit ${name}`).click();
    for (const theme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await page.getByText(`Edit ${name}`).click();
      const axe = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
        .analyze();
      expect(axe.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
    }
    // Edit: a changed name is saved and announced.
    const edit = page.getByRole("form", { name: `Edit ${name}` });
    await edit.getByLabel("URL").fill("ftp://x");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(edit.getByTestId("error-summary")).toBeFocused();
    await edit.getByLabel("URL").fill("");
    await edit.getByRole("checkbox", { name: "Also send enforcer denials" }).uncheck();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(edit.getByRole("status")).toContainText(`Saved ${name}.`);
    await expect(page.getByTestId(`sink-${name}`)).toContainText("audit only");

    // Pause: the toggle keeps focus and says what happened.
    const pause = page.getByTestId(`sink-${name}`).getByRole("button", { name: `Pause ${name}` });
    await pause.click();
    await expect(page.getByTestId(`sink-${name}`).getByRole("button", { name: `Resume ${name}` })).toBeFocused();
    await expect(page.getByTestId(`sink-${name}`)).toContainText("paused");

    // Delete behind a confirmation; the row leaves the list and the change is audited.
    await page
      .getByTestId(`sink-${name}`)
      .getByRole("button", { name: `Delete ${name}` })
      .click();
    await page.getByTestId(`sink-${name}`).getByRole("button", { name: "Confirm delete" }).click();
    await expect(page.getByTestId(`sink-${name}`)).toHaveCount(0);
    const audit = await page.request.get("/api/v1/audit?targetType=audit_sink&limit=20");
    const { events } = (await audit.json()) as {
      events: { action: string; after: string | null; before: string | null }[];
    };
    const mine = events.filter((e) => `${e.after}${e.before}`.includes(name)).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(["audit_sink.create", "audit_sink.update", "audit_sink.delete"]));
  });

  test.describe("as a viewer", () => {
    test.use({ storageState: asRole("viewer") });
    test("sees the status page without controls; the API refuses changes", async ({ page }) => {
      await page.goto("/settings/audit-streaming");
      await expect(page.getByRole("heading", { level: 1, name: "Audit streaming" })).toBeVisible();
      await expect(page.getByText("Your role can read these settings, not change them.")).toBeVisible();
      await expect(page.getByRole("form", { name: "Add a sink" })).toHaveCount(0);
      const res = await page.request.post("/api/v1/audit-sinks", {
        data: { kind: "webhook", name: "nope", url: "https://example.com/" },
        headers: { origin: new URL(page.url()).origin },
      });
      expect(res.status()).toBe(403);
    });
  });
});
