import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * Issue 13 #9 and #10, walked as an admin: a policy change reads as the fields that changed (limits about
 * tokens shown, not "[redacted]"), the target is the resource's name with its id on hover, a row expands
 * to the full before/after; the filtered trail exports as CSV and JSON Lines that `npm run audit:verify
 * -- --file` proves offline (and catches an edited row), and GET /api/v1/audit pages by keyset.
 */
const run = promisify(execFile);
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function createResource(request: APIRequestContext, name: string): Promise<{ id: string }> {
  const profile = await request.post("/api/v1/idp-profiles", {
    data: { name: `Audit IdP ${unique()}`, kind: "entra", tenantId: "c0ffee00-0000-4000-8000-00000000a0d1" },
  });
  expect(profile.status()).toBe(201);
  const res = await request.post("/api/v1/resources", {
    data: {
      name,
      uri: `https://${name}.example.com/mcp`,
      idpProfileId: (await profile.json()).idpProfile.id,
      audiences: ["api://audit"],
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).resource;
}

/** `npm run audit:verify -- <args>`, its exit code and output. */
async function auditVerify(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const { PORTCULLIS_ENCRYPTION_KEY: _key, ...rest } = process.env;
  try {
    const { stdout } = await run("npm", ["run", "--silent", "audit:verify", "--", ...args], {
      env: { ...rest, ...env },
      timeout: 60_000,
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/**
 * The README's flow: the operator prints the chain key (needs the encryption key), the auditor verifies
 * the file offline with that key alone (no database, no encryption key).
 */
let chainKey = "";
async function verifyFile(file: string): Promise<{ code: number; out: string }> {
  if (!chainKey) {
    const printed = await auditVerify(["--print-chain-key"], {
      PORTCULLIS_ENCRYPTION_KEY: E2E.serverEnv.PORTCULLIS_ENCRYPTION_KEY ?? "",
    });
    expect(printed.code, printed.out).toBe(0);
    chainKey = printed.out.trim();
    expect(Buffer.from(chainKey, "base64")).toHaveLength(32);
  }
  return auditVerify(["--file", file], { PORTCULLIS_AUDIT_CHAIN_KEY: chainKey, DATABASE_URL: "file:./data/none.db" });
}

async function download(page: Page, link: string, path: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
  await file.saveAs(path);
  return readFileSync(path, "utf8");
}

test.describe("audit trail (admin)", () => {
  test.use({ storageState: asRole("admin") });

  test("a policy change reads as its changed fields, names its resource and expands to the full change", async ({
    page,
  }) => {
    const name = `audit-${unique()}`;
    const { id } = await createResource(page.request, name);
    await page.goto(`/resources/${id}/policy`);
    await page.getByLabel("Token refreshes per hour").fill("3");
    await page.getByLabel("Tool invocations per minute").fill("42");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText("Policy saved to the draft")).toBeVisible();
    // A resource setting whose name mentions tokens: not a secret either.
    await page.goto(`/resources/${id}`);
    await page.getByLabel("Max token lifetime (seconds)").fill("600");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved to the draft")).toBeVisible();

    await page.goto("/audit");
    const row = (action: string) => page.getByRole("row").filter({ hasText: action }).filter({ hasText: name }).first();
    const policy = row("resource.policy_updated");
    await expect(policy).toBeVisible();
    // The target is the resource's name, its id on hover.
    await expect(policy.getByText(name, { exact: true })).toHaveAttribute("title", `id ${id}`);
    const changes = policy.getByRole("list", { name: /Changes in event/ });
    await expect(changes.getByRole("listitem")).toHaveText([
      "draft.rateLimits.toolInvocationsPerMin 100 → 42",
      "draft.rateLimits.tokenRefreshPerHour 10 → 3",
    ]);
    await expect(policy).not.toContainText("[redacted]");
    await expect(policy).not.toContainText('"audiences"'); // not the whole draft twice
    const settings = row("resource.updated");
    await expect(settings.getByRole("listitem")).toHaveText(["draft.maxTokenLifetimeSec 86400 → 600"]);

    // The row expands: every change with its full values, and the stored JSON.
    await policy.getByText("Full before/after").click();
    const full = policy.getByRole("table");
    await expect(full.getByRole("row", { name: /draft\.rateLimits\.tokenRefreshPerHour/ })).toContainText("10");
    await expect(full.getByRole("row", { name: /draft\.rateLimits\.tokenRefreshPerHour/ })).toContainText("3");
    // A creation expands to the whole stored value (the full draft).
    const created = row("resource.created");
    await created.getByText(/full before\/after/i).click();
    await expect(created.getByText("Stored after")).toBeVisible();
    await expect(created.locator("pre").last()).toContainText('"audiences": [');
    // One date format: ISO-like, in UTC.
    await expect(policy.locator("time")).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    await page.screenshot({ path: "/tmp/audit-diff.png", fullPage: true });
  });

  test("exports the filtered trail as JSON Lines and CSV that verify offline; an edited row is caught", async ({
    page,
  }, testInfo) => {
    const name = `export-${unique()}`;
    const { id } = await createResource(page.request, name);
    for (const n of [7, 8, 9]) {
      const draft = await (await page.request.get(`/api/v1/resources/${id}`)).json();
      const d = draft.resource.draft;
      const res = await page.request.put(`/api/v1/resources/${id}/policy`, {
        data: { scopes: d.scopes, methods: d.methods, rateLimits: { ...d.rateLimits, toolInvocationsPerMin: n } },
      });
      expect(res.status(), await res.text()).toBe(200);
    }
    await page.goto("/audit");
    await page.getByLabel("Action").selectOption("resource.policy_updated");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect(page).toHaveURL(/action=resource\.policy_updated/);

    const jsonl = testInfo.outputPath("audit.jsonl");
    const lines = (await download(page, "Export JSON Lines", jsonl)).trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set(["resource.policy_updated"]));
    expect(rows.filter((r) => r.targetId === id).map((r) => r.targetName)).toEqual([name, name, name]);
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    const ok = await verifyFile(jsonl);
    expect(ok.out).toContain(`audit export intact: ${rows.length} rows`);
    expect(ok.code).toBe(0);

    // An auditor's copy edited afterwards does not verify.
    const edited = lines.map((l) => (l.includes(`"targetId":"${id}"`) ? l.replace('after\\":8', 'after\\":80') : l));
    expect(edited.join("\n")).not.toBe(lines.join("\n"));
    writeFileSync(testInfo.outputPath("edited.jsonl"), `${edited.join("\n")}\n`);
    const bad = await verifyFile(testInfo.outputPath("edited.jsonl"));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/audit export BROKEN at event #\d+: row content does not match its hash/);

    const csvPath = testInfo.outputPath("audit.csv");
    const csv = await download(page, "Export CSV", csvPath);
    expect(csv.split("\r\n")[0]).toContain('"prevHash","hash","hashAlg"');
    expect((await verifyFile(csvPath)).code).toBe(0);

    // The same filter over the API, page by page (keyset on `before`).
    const first = await page.request.get(`/api/v1/audit?action=resource.policy_updated&targetId=${id}&limit=2`);
    expect(first.status()).toBe(200);
    const p1 = await first.json();
    expect(p1.events).toHaveLength(2);
    expect(p1.events[0].changes[0]).toEqual({
      path: "draft.rateLimits.toolInvocationsPerMin",
      kind: "changed",
      before: 8,
      after: 9,
    });
    const p2 = await (
      await page.request.get(
        `/api/v1/audit?action=resource.policy_updated&targetId=${id}&limit=2&before=${p1.nextBefore}`,
      )
    ).json();
    expect(p2.events.map((e: { changes: { after: number }[] }) => e.changes[0]?.after)).toEqual([7]);
    expect(p2.nextBefore).toBeNull();
    const invalid = await page.request.get("/api/v1/audit?limit=9999");
    expect(invalid.status()).toBe(422);
    expect((await invalid.json()).error.fields.limit).toEqual(["Enter 500 or less."]);
  });
});

test.describe("audit trail (viewer)", () => {
  test.use({ storageState: asRole("viewer") });
  test("a viewer reads and exports the trail too", async ({ page }) => {
    const res = await page.request.get("/api/v1/audit?limit=1");
    expect(res.status()).toBe(200);
    const exp = await page.request.get("/api/v1/audit/export?format=jsonl&action=resource.");
    expect(exp.status()).toBe(200);
    expect(exp.headers()["content-type"]).toContain("application/jsonl");
  });
});
