import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import YAML from "yaml";
import { E2E } from "./fixtures/env";
import { asRole } from "./fixtures/roles";

/**
 * Issue 14 "done when": from a terminal with no browser, a platform engineer creates the setup an admin
 * clicks together (IdP profile, resource, policy, tools, publish) with the CLI and an API token against the
 * real control plane (production build behind scripts/serve.mjs), and diffs it against the file in Git.
 * The browser is used only to make the token (as an owner would, once) and to see the result.
 */
test.use({ storageState: asRole("owner") });
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function cli(args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/portcullis-cli.ts", ...args, "--url", E2E.baseUrl, "--token", token],
      { env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test("the CLI with an API token creates, publishes and diffs what an admin clicks together", async ({ page }) => {
  test.setTimeout(180_000);
  const tag = unique();
  const dir = mkdtempSync(join(tmpdir(), "pcl-cac-"));
  try {
    await page.goto("/settings/api-tokens");
    await page.getByLabel("Token name").fill(`ci-${tag}`);
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-api-token-value").textContent()) ?? "";
    expect(token).toMatch(/^pcl_api_/);

    // --no-prune: the shared e2e database holds other tests' objects; this file adds its own and leaves theirs.
    const file = join(dir, "portcullis.yaml");
    writeFileSync(
      file,
      `apiVersion: portcullis/v1
idpProfiles:
  - { name: cac-idp-${tag}, kind: okta, domain: dev-${tag}.okta.com }
resources:
  - name: cac-files-${tag}
    uri: https://cac-${tag}.example.test/mcp
    idpProfile: cac-idp-${tag}
    audiences: [api://default]
    policy: { unlistedTools: deny, rateLimits: { toolInvocationsPerMin: 60 } }
    tools:
      - { name: read_file, scopes: [mcp:tools:read] }
      - { name: delete_file, enabled: false, scopes: [mcp:tools:admin] }
`,
    );
    const plan = await cli(["plan", "-f", file, "--publish", "--no-prune", "--detailed-exitcode"], token);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(`  + idp profile cac-idp-${tag}\n`);
    expect(plan.stdout).toContain(`  + resource cac-files-${tag}\n`);
    expect(plan.stdout).toContain("      + policy.rateLimits.toolInvocationsPerMin: 60\n");
    expect(plan.stdout).toContain(`  ^ publish cac-files-${tag} as version 1\n`);

    const applied = await cli(["apply", "-f", file, "--publish", "--no-prune", "--note", `ci ${tag}`], token);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`Published cac-files-${tag} version 1.`);

    // What an admin sees: the resource on its IdP profile, two tools, version 1 live.
    await page.goto("/resources");
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: `cac-files-${tag}` }) });
    await expect(row).toContainText(`cac-idp-${tag}`);
    await expect(row.getByRole("cell").nth(3)).toHaveText("2");
    await expect(row).toContainText("v1");

    // Diff against Git: the export holds exactly what the file says, so the file plans to nothing.
    const exported = await cli(["export", "-o", join(dir, "export.yaml")], token);
    expect(exported.code, exported.stderr).toBe(0);
    const doc = YAML.parse(readFileSync(join(dir, "export.yaml"), "utf8"));
    const mine = {
      apiVersion: doc.apiVersion,
      idpProfiles: doc.idpProfiles.filter((p: { name: string }) => p.name === `cac-idp-${tag}`),
      resources: doc.resources
        .filter((r: { name: string }) => r.name === `cac-files-${tag}`)
        .map(({ status: _s, ...r }: { status: unknown }) => r),
    };
    expect(mine.resources[0].tools.map((t: { name: string }) => t.name)).toEqual(["delete_file", "read_file"]);
    writeFileSync(join(dir, "mine.yaml"), YAML.stringify(mine));
    const again = await cli(["plan", "-f", join(dir, "mine.yaml"), "--publish", "--no-prune"], token);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("No changes. The control plane matches the document.\n");
    const resend = await cli(["plan", "-f", file, "--publish", "--no-prune", "--detailed-exitcode"], token);
    expect(resend.code, resend.stdout).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
