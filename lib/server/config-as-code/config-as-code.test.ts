import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { POST as applyRoute } from "@/app/api/v1/config/apply/route";
import { GET as exportRoute } from "@/app/api/v1/config/export/route";
import { POST as planRoute } from "@/app/api/v1/config/plan/route";
import { ConfigApplyResponse, ConfigPlanResponse } from "@/lib/schemas/config-document";
import { bearerRequest, createTestAdmin, createTestToken, routeParams } from "../api-tokens/test-tokens";
import { db } from "../db";
import { desiredStateOf } from "./desired";
import { clickTogether } from "./fixtures";
import { type FreshDb, freshDatabase } from "./fresh-db";
import { parseConfigDocument } from "./parse";
import { type ConfigPlan, type PlanChange, planOf } from "./plan";

/**
 * Configuration as code against real, empty databases (SQLite, or PostgreSQL with TEST_DB=postgres),
 * through the route handlers as machines call them, with personal API tokens (no mock of the session:
 * the real authentication and permission checks).
 */
const tokens = { admin: "", viewer: "" };
const noParams = routeParams({});
const as = (token: string, path: string, body?: unknown) =>
  bearerRequest(token, `/api/v1/config/${path}`, body === undefined ? {} : { method: "POST", body });
async function exportText(format = "yaml", token = tokens.admin): Promise<string> {
  const res = await exportRoute(as(token, `export?format=${format}`), noParams);
  expect(res.status).toBe(200);
  return res.text();
}
const post = (route: typeof planRoute, path: string, body: unknown, token = tokens.admin) =>
  route(as(token, path, body), noParams);
async function plan(document: unknown, publish = false): Promise<ConfigPlan> {
  const res = await post(planRoute, "plan", { document, publish });
  const body = await res.json();
  if (res.status !== 200) throw new Error(JSON.stringify(body));
  // The answer is what the OpenAPI document promises.
  return ConfigPlanResponse.parse(body) as ConfigPlan;
}
const apply = (document: unknown, extra: Record<string, unknown> = {}) =>
  post(applyRoute, "apply", { document, ...extra });
const find = (p: ConfigPlan, type: string, name: string, action: string): PlanChange | undefined =>
  p.changes.find((c) => c.type === type && c.name === name && c.action === action);
const counts = async () => ({
  // Changes only: a token's use is audited too (api_token.used, once a minute per token).
  audit: await db().auditEvent.count({ where: { action: { not: "api_token.used" } } }),
  versions: await db().configVersion.count(),
  resources: await db().mcpResource.count(),
});

let source: FreshDb;
let target: FreshDb;
let exported = "";

let sourceToken = "";

beforeAll(async () => {
  [source, target] = await Promise.all([freshDatabase(), freshDatabase()]);
  source.use();
  await clickTogether();
  sourceToken = (await createTestToken(await createTestAdmin("owner"))).token;
  exported = await exportText("yaml", sourceToken);
  target.use();
  tokens.admin = (await createTestToken(await createTestAdmin("admin"))).token;
  tokens.viewer = (await createTestToken(await createTestAdmin("viewer"))).token;
}, 180_000);
afterAll(async () => {
  await target?.dispose();
  await source?.dispose();
});

describe("configuration as code", () => {
  it("exports a stable YAML document with names, not ids, and no secrets", async () => {
    source.use();
    try {
      expect(await exportText("yaml", sourceToken)).toBe(exported);
      const doc = YAML.parse(exported);
      expect(doc.apiVersion).toBe("portcullis/v1");
      expect(doc.idpProfiles.map((p: { name: string }) => p.name)).toEqual(["corp-entra", "okta-dev"]);
      const files = doc.resources.find((r: { name: string }) => r.name === "files");
      expect(files.idpProfile).toBe("corp-entra");
      expect(files.tools.map((t: { name: string }) => t.name)).toEqual(["delete_file", "read_file", "search"]);
      expect(files.downstreams[0].secretFrom).toEqual({ env: "GRAPH_OBO_SECRET" });
      expect(files.status).toEqual({ publishedVersion: 1, unpublishedChanges: false });
      expect(doc.alertRules.length).toBeGreaterThan(10);
      expect(exported).not.toMatch(/"?id"?:|c[a-z0-9]{24}/);
      const json = JSON.parse(await exportText("json", sourceToken));
      expect(json).toEqual(doc);
    } finally {
      target.use();
    }
  });

  it("round trip: export → apply on an empty database (with publish) → the same export, byte for byte", async () => {
    const before = await counts();
    expect(before.resources).toBe(0);
    const res = await apply(exported, { publish: true });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(ConfigApplyResponse.parse(body).applied).toBe(true);
    expect(body.published).toEqual([
      { resource: "files", version: 1 },
      { resource: "search", version: 1 },
    ]);
    // One change set: one audit row for the whole apply.
    const after = await counts();
    expect(after.audit - before.audit).toBe(1);
    const row = await db().auditEvent.findFirstOrThrow({ where: { action: "config.applied" } });
    expect(row.targetId).toBe(body.changeSetId);
    expect(JSON.parse(row.after ?? "{}").summary).toMatchObject({ create: expect.any(Number), publish: 2 });
    expect(await exportText()).toBe(exported);
  });

  it("is idempotent: the same document again changes nothing and writes nothing", async () => {
    const before = await counts();
    const exportBefore = await exportText();
    const p = await plan(exportBefore, true);
    expect(p.changes).toEqual([]);
    const res = await apply(exportBefore, { publish: true });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ applied: false, changeSetId: null, published: [] });
    expect(await counts()).toEqual(before);
    expect(await exportText()).toBe(exportBefore);
  });

  it("plans the exact changes of an edited document, with field diffs, and applies them", async () => {
    const doc = YAML.parse(await exportText());
    const files = doc.resources.find((r: { name: string }) => r.name === "files");
    files.tools.find((t: { name: string }) => t.name === "search").scopes = ["mcp:tools:execute"];
    files.tools.push({ name: "write_file", enabled: true, scopes: ["mcp:tools:admin"] });
    files.policy.rateLimits.toolInvocationsPerMin = 30;
    // Left out: archived (deny-all bundle), never deleted from a file; deleting it stays a dashboard step.
    doc.resources = doc.resources.filter((r: { name: string }) => r.name !== "search");
    doc.idpProfiles.push({ name: "auth0-prod", kind: "auth0", domain: "acme.eu.auth0.com" });
    const rule = doc.alertRules.find((r: { kind: string; reason?: string }) => r.kind === "auth_failures" && !r.reason);
    rule.threshold = 75;
    const p = await plan(doc, true);
    expect(p.summary).toEqual({ create: 1, update: 2, delete: 0, archive: 1, publish: 1 });
    expect(find(p, "resource", "files", "update")?.changes).toEqual([
      { path: "policy.rateLimits.toolInvocationsPerMin", kind: "changed", before: 100, after: 30 },
      { path: "tools[search].scopes", kind: "added", after: "mcp:tools:execute" },
      {
        path: "tools[write_file]",
        kind: "added",
        after: { name: "write_file", enabled: true, scopes: ["mcp:tools:admin"] },
      },
    ]);
    expect(find(p, "alert_rule", "auth_failures//", "update")?.changes).toEqual([
      { path: "threshold", kind: "changed", before: 50, after: 75 },
    ]);
    expect(find(p, "resource", "search", "archive")).toBeDefined();
    expect(find(p, "idp_profile", "auth0-prod", "create")?.changes).toContainEqual({
      path: "domain",
      kind: "added",
      after: "acme.eu.auth0.com",
    });
    const res = await apply(doc, { publish: true, planId: p.planId });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.published).toEqual([{ resource: "files", version: 2 }]);
    const now = YAML.parse(await exportText());
    expect(now.resources.map((r: { name: string }) => r.name)).toEqual(["files"]);
    expect(now.resources[0].policy.rateLimits.toolInvocationsPerMin).toBe(30);
    expect(now.idpProfiles.map((r: { name: string }) => r.name)).toEqual(["auth0-prod", "corp-entra", "okta-dev"]);
    // Its enforcers got a deny-all bundle in the same transaction.
    const search = await db().mcpResource.findFirstOrThrow({
      where: { name: "search" },
      select: {
        archivedAt: true,
        versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, bundle: true } },
      },
    });
    expect(search.archivedAt).not.toBeNull();
    expect(search.versions[0]?.version).toBe(2);
    expect(JSON.parse(search.versions[0]?.bundle ?? "{}").policy.archived).toBe(true);
    // The profile an archived resource still uses cannot go; its name cannot be taken by a new resource.
    const withoutOkta = { ...doc, idpProfiles: doc.idpProfiles.filter((x: { name: string }) => x.name !== "okta-dev") };
    const refused = await post(planRoute, "plan", { document: withoutOkta });
    expect((await refused.json()).error.fields.idpProfiles[0]).toMatch(/used by the archived resource search/);
    // The same plan again is stale: the state it was made against is gone.
    const stale = await apply(doc, { publish: true, planId: p.planId });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe("conflict");
  });

  it("a failing apply rolls back everything: a publish that fails after every other write leaves no trace", async () => {
    const before = await counts();
    const exportBefore = await exportText();
    const doc = YAML.parse(exportBefore);
    doc.resources[0].tools.push({ name: "rename_file", enabled: true, scopes: [] });
    doc.alertRules[0].threshold = 9;
    // A generic OIDC profile without a JWKS URI (it would come from Test connection): cannot be published yet.
    doc.idpProfiles.push({ name: "plain-oidc", kind: "oidc", issuer: "https://idp.example.test/" });
    doc.resources.push({
      name: "notes",
      uri: "https://notes.example.test/mcp",
      idpProfile: "plain-oidc",
      audiences: ["notes"],
    });
    const p = await plan(doc, true);
    expect(p.summary.create).toBe(2);
    const res = await apply(doc, { publish: true });
    const body = await res.json();
    expect(res.status).toBe(422);
    expect(body.error.message).toMatch(/^Resource notes cannot be published, nothing was applied/);
    expect(await counts()).toEqual(before);
    expect(await exportText()).toBe(exportBefore);
    // Without publish the same document applies (the draft may wait for its Test connection).
    const ok = await apply(doc);
    expect(ok.status).toBe(200);
    expect((await counts()).resources).toBe(before.resources + 1);
  });
});

describe("configuration as code: partial documents", () => {
  it("with prune: false a document only adds and changes; its plan ignores unrelated changes", async () => {
    const extra = {
      apiVersion: "portcullis/v1",
      resources: [{ name: "extra", uri: "https://extra.example.test/mcp", idpProfile: "corp-entra", audiences: ["x"] }],
    };
    const pruning = await plan(extra);
    expect(find(pruning, "resource", "files", "archive")).toBeDefined();
    const res = await post(planRoute, "plan", { document: extra, prune: false });
    const p = ConfigPlanResponse.parse(await res.json());
    expect(p.changes.map((c) => `${c.action} ${c.type} ${c.name}`)).toEqual(["create resource extra"]);
    // Another admin changes an object this document does not name: the plan still applies.
    const rule = await db().alertRule.findFirstOrThrow({ where: { kind: "jwks_forced_refresh", resourceId: "" } });
    await db().alertRule.update({ where: { id: rule.id }, data: { threshold: 3 } });
    const applied = await apply(extra, { prune: false, planId: p.planId });
    expect(applied.status, await applied.clone().text()).toBe(200);
    const names = (await db().mcpResource.findMany({ where: { archivedAt: null }, select: { name: true } })).map(
      (r) => r.name,
    );
    expect(names.sort()).toEqual(["extra", "files", "notes"]);
  });
});

describe("configuration as code: bad documents and roles", () => {
  const good = () => YAML.parse(exported);
  // biome-ignore lint/suspicious/noExplicitAny: each case edits the parsed YAML freely, as a person edits the file.
  type Loose = Record<string, any>;
  const cases: [string, string, (d: Loose) => unknown, RegExp][] = [
    ["unknown key", "resources[0].tools[0].scoeps", (d) => (d.resources[0].tools[0].scoeps = []), /Unknown key/],
    ["unknown top-level key", "resourses", (d) => (d.resourses = []), /Unknown key/],
    [
      "wrong type",
      "resources[1].tools[0].enabled",
      (d) => (d.resources[1].tools = [{ name: "x", enabled: "yes" }]),
      /boolean|yes or no/i,
    ],
    ["wrong type in a rule", "alertRules[2].threshold", (d) => (d.alertRules[2].threshold = "lots"), /number/i],
    ["missing name", "resources[0].tools[1].name", (d) => delete d.resources[0].tools[1].name, /./],
    [
      "dangling IdP profile",
      "resources[1].idpProfile",
      (d) => (d.resources[1].idpProfile = "nope"),
      /No IdP profile named nope/,
    ],
    [
      "dangling scope",
      "resources[0].tools[0].scopes[0]",
      (d) => (d.resources[0].tools[0].scopes = ["mcp:files"]),
      /Unknown scope mcp:files/,
    ],
    [
      "dangling resource",
      "alertRules[0].resource",
      (d) => (d.alertRules[0].resource = "ghost"),
      /No resource named ghost/,
    ],
    [
      "dangling channel",
      "alertRules[0].channels[0]",
      (d) => (d.alertRules[0].channels = ["pager"]),
      /No alert channel named pager/,
    ],
    [
      "duplicate tool",
      "resources[0].tools[3].name",
      (d) => d.resources[0].tools.push({ ...d.resources[0].tools[0] }),
      /listed twice/,
    ],
    ["bad URI", "resources[0].uri", (d) => (d.resources[0].uri = "http://files.example.test/mcp"), /https/],
    [
      "bad method key",
      'resources[0].policy.methods["tools call"]',
      (d) => (d.resources[0].policy.methods["tools call"] = { anyOf: [] }),
      /method name/,
    ],
    [
      "changing the kind of a profile in use",
      "idpProfiles[0].kind",
      (d) => (d.idpProfiles[0] = { name: "corp-entra", kind: "auth0", domain: "acme.auth0.com" }),
      /Resources use IdP profile corp-entra/,
    ],
    ["wrong apiVersion", "apiVersion", (d) => (d.apiVersion = "v2"), /portcullis\/v1/],
  ];
  it.each(cases)("%s → 422 naming %s", async (_label, path, mutate, message) => {
    const doc = good();
    mutate(doc);
    const before = await counts();
    for (const route of [planRoute, applyRoute] as const) {
      const res = await post(route, route === planRoute ? "plan" : "apply", { document: YAML.stringify(doc) });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(body.error.code).toBe("invalid_input");
      expect(Object.keys(body.error.fields)).toContain(path);
      expect(body.error.fields[path].join(" ")).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it("the README's example document is valid; sections left out and built-in alert rules stay as they are", async () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Configuration as code"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(example).toContain("apiVersion: portcullis/v1");
    const empty = { idps: new Map(), resources: new Map(), rules: new Map(), channels: new Map(), archived: new Map() };
    const p = planOf(empty, desiredStateOf(parseConfigDocument(example), empty), { publish: true, prune: true });
    expect(p.summary).toEqual({ create: 3, update: 0, delete: 0, archive: 0, publish: 1 });
    // A document with one alert rule and no other section: the rest stays as it is, built-in rules included.
    const rule = YAML.parse(exported).alertRules.find((r: { kind: string }) => r.kind === "obo_p99");
    const only = await plan({ apiVersion: "portcullis/v1", alertRules: [{ ...rule, threshold: 2500 }] });
    expect(only.changes).toEqual([
      {
        type: "alert_rule",
        name: "obo_p99//",
        action: "update",
        changes: [{ path: "threshold", kind: "changed", before: 2000, after: 2500 }],
      },
    ]);
  });

  it("a YAML syntax error names the line", async () => {
    const res = await post(planRoute, "plan", { document: "apiVersion: portcullis/v1\nresources:\n  - name: [\n" });
    const body = await res.json();
    expect(res.status).toBe(422);
    expect(body.error.fields.document[0]).toMatch(/line \d+/);
  });

  it("viewers may export but not plan or apply; an unknown token gets 401", async () => {
    expect((await exportRoute(as(tokens.viewer, "export"), noParams)).status).toBe(200);
    expect((await post(planRoute, "plan", { document: exported }, tokens.viewer)).status).toBe(403);
    expect((await post(applyRoute, "apply", { document: exported }, tokens.viewer)).status).toBe(403);
    expect((await exportRoute(as("pcl_api_000000000000_nothere", "export"), noParams)).status).toBe(401);
  });

  it("unknown export formats and body keys are refused with the field named", async () => {
    const res = await exportRoute(as(tokens.admin, "export?format=xml"), noParams);
    expect(res.status).toBe(422);
    expect((await res.json()).error.fields).toHaveProperty("format");
    const bad = await post(applyRoute, "apply", { document: exported, publsh: true });
    expect(bad.status).toBe(422);
  });
});
