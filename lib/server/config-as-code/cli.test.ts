import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { POST as applyRoute } from "@/app/api/v1/config/apply/route";
import { GET as exportRoute } from "@/app/api/v1/config/export/route";
import { POST as planRoute } from "@/app/api/v1/config/plan/route";
import { createTestAdmin, createTestToken } from "../api-tokens/test-tokens";
import { db } from "../db";
import { serveRoutes } from "../enforcers/test-http";
import { type FreshDb, freshDatabase } from "./fresh-db";

/**
 * The CLI as a platform engineer runs it: a separate `node` process with an API token, against a running
 * control plane (the real route handlers served over HTTP on loopback, on an empty database), from a
 * terminal with no browser: plan a hand-written file, apply it with publish, export, plan the export
 * (nothing to do), and the errors a person sees.
 */
const noParams = { params: Promise.resolve({}) };
let fresh: FreshDb;
let server: { url: string; close(): Promise<void> };
let adminToken = "";
let adminTokenId = "";
let viewerToken = "";
let narrowToken = "";
let adminEmail = "";
const dir = mkdtempSync(join(tmpdir(), "portcullis-cli-"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function cli(args: string[], token = adminToken, url?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/portcullis-cli.ts", ...args, "--url", url ?? server.url, "--token", token],
      { env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const SETUP = `apiVersion: portcullis/v1
idpProfiles:
  - name: corp-entra
    kind: entra
    tenantId: contoso.onmicrosoft.com
resources:
  - name: files
    uri: https://files.example.test/mcp
    idpProfile: corp-entra
    audiences: [api://files]
    policy:
      unlistedTools: deny
      rateLimits: { toolInvocationsPerMin: 60 }
    tools:
      - { name: read_file, scopes: [mcp:tools:read] }
      - { name: delete_file, enabled: false, scopes: [mcp:tools:admin] }
`;

beforeAll(async () => {
  fresh = await freshDatabase();
  fresh.use();
  const admin = await createTestAdmin("admin");
  adminEmail = admin.email;
  ({ token: adminToken, id: adminTokenId } = await createTestToken(admin));
  viewerToken = (await createTestToken(await createTestAdmin("viewer"))).token;
  // An admin's token narrowed to resources: plan and apply also change IdP profiles and alert rules.
  narrowToken = (await createTestToken(admin, { permissions: ["resources.read", "resources.write"] })).token;
  server = await serveRoutes({
    "GET /api/v1/config/export": (r) => exportRoute(r, noParams),
    "POST /api/v1/config/plan": (r) => planRoute(r, noParams),
    "POST /api/v1/config/apply": (r) => applyRoute(r, noParams),
  });
  writeFileSync(join(dir, "portcullis.yaml"), SETUP);
}, 180_000);
afterAll(async () => {
  await server?.close();
  await fresh?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run portcullis (the CLI) against a running control plane", () => {
  it("creates from a file what an admin clicks together: plan, apply with publish, export, nothing left to do", async () => {
    const file = join(dir, "portcullis.yaml");
    const plan = await cli(["plan", "-f", file, "--publish", "--detailed-exitcode"]);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain("  + idp profile corp-entra\n");
    expect(plan.stdout).toContain("  + resource files\n");
    expect(plan.stdout).toContain("      + policy.rateLimits.toolInvocationsPerMin: 60\n");
    expect(plan.stdout).toContain("  ^ publish files as version 1\n");
    expect(plan.stdout).toContain("Plan: 2 to create, 0 to update, 0 to delete, 1 to publish.");
    expect(await db().mcpResource.count()).toBe(0);

    const applied = await cli(["apply", "-f", file, "--publish", "--note", "from CI"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Applied change set [0-9a-f-]{36}\./);
    expect(applied.stdout).toContain("Published files version 1.");
    const version = await db().configVersion.findFirstOrThrow({ select: { version: true, note: true } });
    expect(version).toEqual({ version: 1, note: "from CI" });
    // Attributed to the token's owner in the audit trail.
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "config.applied" } });
    expect(audit.actorEmail).toBe(adminEmail);
    expect(audit.apiTokenId).toBe(adminTokenId);

    const out = join(dir, "exported.yaml");
    const exported = await cli(["export", "-o", out]);
    expect(exported.code, exported.stderr).toBe(0);
    const doc = YAML.parse(readFileSync(out, "utf8"));
    expect(doc.resources[0]).toMatchObject({
      name: "files",
      idpProfile: "corp-entra",
      status: { publishedVersion: 1 },
    });
    const again = await cli(["plan", "-f", out, "--publish", "--detailed-exitcode"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("No changes. The control plane matches the document.\n");
    // Stable: a second export is byte-identical, so `git diff` of the file shows only real changes.
    const second = await cli(["export"]);
    expect(second.stdout).toBe(readFileSync(out, "utf8"));
  });

  it("names each bad field path and exits 1", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, SETUP.replace("name: read_file", "nmae: read_file"));
    const run = await cli(["plan", "-f", bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("(invalid_input, HTTP 422");
    expect(run.stderr).toContain('  resources[0].tools[0].nmae: Unknown key "nmae".');
    expect(run.stderr).toContain("  resources[0].tools[0].name: ");
  });

  it("refuses what the token may not do, a bad token and an unreachable control plane, with exit 1", async () => {
    const file = join(dir, "portcullis.yaml");
    const viewerExport = await cli(["export"], viewerToken);
    expect(viewerExport.code).toBe(0);
    const viewerApply = await cli(["apply", "-f", file], viewerToken);
    expect(viewerApply.code).toBe(1);
    expect(viewerApply.stderr).toContain("(forbidden, HTTP 403");
    const narrow = await cli(["plan", "-f", file], narrowToken);
    expect(narrow.code).toBe(1);
    expect(narrow.stderr).toContain("This API token does not allow idp.write, alerts.write. (forbidden, HTTP 403");
    const wrong = await cli(["export"], "pcl_api_nothere_secret");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("(unauthorized, HTTP 401");
    const down = await cli(["export"], adminToken, "http://127.0.0.1:5129");
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("Cannot reach http://127.0.0.1:5129");
    const usage = await cli(["apply"]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("Name the document with -f portcullis.yaml.");
  });
});
