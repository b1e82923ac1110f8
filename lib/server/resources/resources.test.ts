import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { CreateIdpProfileInput } from "@/lib/schemas/idp-profiles";
import { CreateResourceInput, UpdatePolicyInput, UpdateToolsInput } from "@/lib/schemas/resources";
import type { Actor } from "../auth/session";
import { publishConfig } from "../config/publish";
import { db } from "../db";
import { toAppError } from "../errors";
import { createIdpProfile } from "../idp-profiles/save-idp-profile";
import { getDraftStatus } from "./draft-status";
import { getResource } from "./get-resource";
import { listResources } from "./list-resources";
import { createResource, updateResource } from "./save-resource";
import { updateResourcePolicy, updateResourceTools } from "./update-draft";

const actor: Actor = { id: "test-admin", email: "res-tester@example.test", name: "t", role: "admin" };
const ctx = { requestId: "req-res", ip: "127.0.0.1" };
const uid = () => randomUUID().slice(0, 8);
let profileId = "";

beforeAll(async () => {
  const input = CreateIdpProfileInput.parse({
    name: `res-idp-${uid()}`,
    kind: "entra",
    tenantId: "contoso.onmicrosoft.com",
  });
  profileId = (await createIdpProfile(actor, input, ctx)).id;
});

const base = () => ({
  name: `files-${uid()}`,
  uri: `HTTPS://${uid()}.Example.com:443/mcp/`,
  idpProfileId: profileId,
  audiences: ["api://files"],
});

/** The action/route boundary: schema, then the data function; returns code + field keys on failure. */
async function attempt<T>(fn: () => Promise<T>) {
  try {
    return { ok: true as const, data: await fn() };
  } catch (err) {
    const e = toAppError(err);
    return { ok: false as const, code: e.code, fields: e.fieldErrors ?? {} };
  }
}
const create = (raw: unknown) => attempt(() => createResource(actor, CreateResourceInput.parse(raw), ctx));
const audits = (id: string) => db().auditEvent.findMany({ where: { targetId: id }, orderBy: { seq: "asc" } });

describe("MCP resources", () => {
  it("registers a resource with a normalized URI, default policy and a resource.created audit row", async () => {
    const input = base();
    const res = await create({ ...input, allowedOrigins: ["https://App.example.com"] });
    if (!res.ok) throw new Error(JSON.stringify(res));
    const dto = res.data;
    expect(dto.uri).toBe(input.uri.toLowerCase().replace(":443", "").replace(/\/$/, ""));
    expect(dto.draft).toMatchObject({
      audiences: ["api://files"],
      algorithms: ["RS256"],
      clockToleranceSec: 30,
      unlistedTools: "deny",
      tools: [],
      allowedOrigins: ["https://app.example.com"],
    });
    expect(dto.draft.scopes.map((s) => s.name)).toEqual([
      "mcp:tools",
      "mcp:resources",
      "mcp:prompts",
      "mcp:tools:read",
      "mcp:tools:execute",
      "mcp:tools:admin",
    ]);
    expect(dto.draft.rateLimits).toEqual({
      toolInvocationsPerMin: 100,
      resourceReadsPerMin: 500,
      clientToolInvocationsPerMin: 0,
      clientResourceReadsPerMin: 0,
      tokenRefreshPerHour: 10,
      failedAuthMax: 5,
      failedAuthWindowSec: 300,
      failedAuthBlockSec: 900,
    });
    expect(dto.idpProfile.kind).toBe("entra");
    expect((await getResource(dto.id))?.draft).toEqual(dto.draft);
    const rows = await audits(dto.id);
    expect(rows.map((r) => r.action)).toEqual(["resource.created"]);
    expect(JSON.parse(rows[0]?.after ?? "{}").draft.audiences).toEqual(["api://files"]);
    expect((await listResources()).find((r) => r.id === dto.id)).toMatchObject({
      toolCount: 0,
      hasUnpublishedChanges: true,
      latestVersion: null,
    });
  });

  const taken = base();
  it.each([
    ["a malformed URI", { uri: "not a uri" }, "invalid_input", "uri"],
    ["a non-https URI", { uri: "http://mcp.example.com/mcp" }, "invalid_input", "uri"],
    ["a URI with a fragment", { uri: "https://mcp.example.com/mcp#x" }, "invalid_input", "uri"],
    ["no audience", { audiences: [] }, "invalid_input", "audiences"],
    ["an audience with a space", { audiences: ["api://a b"] }, "invalid_input", "audiences.0"],
    ["an unknown IdP profile", { idpProfileId: "nope" }, "invalid_input", "idpProfileId"],
    ["HS256", { algorithms: ["HS256"] }, "invalid_input", "algorithms.0"],
    ["clock skew above 300 s", { clockToleranceSec: 301 }, "invalid_input", "clockToleranceSec"],
    ["an origin with a path", { allowedOrigins: ["https://app.example.com/x"] }, "invalid_input", "allowedOrigins.0"],
    [
      "a javascript: documentation URL",
      { documentationUrl: "javascript:alert(1)" },
      "invalid_input",
      "documentationUrl",
    ],
    ["a duplicate name", { name: taken.name }, "conflict", "name"],
    ["a duplicate URI (after normalization)", { uri: taken.uri.toLowerCase() }, "conflict", "uri"],
  ])("refuses %s and changes nothing", async (_label, patch, code, field) => {
    if (!(await db().mcpResource.findUnique({ where: { name: taken.name } }))) {
      // `taken` was built at collection time, before the profile existed.
      expect((await create({ ...taken, idpProfileId: profileId })).ok).toBe(true);
    }
    const [count, auditCount] = await Promise.all([db().mcpResource.count(), db().auditEvent.count()]);
    const res = await create({ ...base(), ...patch });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.code).toBe(code);
    expect(Object.keys(res.fields)).toContain(field);
    if (code === "conflict") expect(res.fields[field]?.[0]).toMatch(/already exists/);
    expect(await db().mcpResource.count()).toBe(count);
    expect(await db().auditEvent.count()).toBe(auditCount);
  });

  it("updates settings, policy and tools in the draft only, each audited with before/after", async () => {
    const res = await create(base());
    if (!res.ok) throw new Error("create failed");
    const id = res.data.id;
    await updateResource(
      actor,
      CreateResourceInput.extend({ id: CreateResourceInput.shape.name }).parse({
        ...base(),
        id,
        name: res.data.name,
        uri: res.data.uri,
        audiences: ["api://files", "00000000-1111-4222-8333-444444444444"],
      }),
      ctx,
    );
    const draft = (await getResource(id))?.draft;
    if (!draft) throw new Error("missing");
    const policy = UpdatePolicyInput.parse({
      id,
      scopes: [...draft.scopes, { name: "files:write", description: "Write files" }],
      methods: { ...draft.methods, "tools/call": { anyOf: ["files:write"] } },
      rateLimits: { ...draft.rateLimits, toolInvocationsPerMin: 42 },
    });
    await updateResourcePolicy(actor, policy, ctx);
    const tools = UpdateToolsInput.parse({
      id,
      unlistedTools: "deny",
      tools: [{ name: "read_file" }, { name: "write_file", scopes: ["files:write"], enabled: false }],
    });
    const after = await updateResourceTools(actor, tools, ctx);
    expect(after.draft.audiences).toHaveLength(2);
    expect(after.draft.methods["tools/call"]).toEqual({ anyOf: ["files:write"] });
    expect(after.draft.rateLimits.toolInvocationsPerMin).toBe(42);
    expect(after.draft.tools).toEqual([
      { name: "read_file", enabled: true, scopes: [] },
      { name: "write_file", enabled: false, scopes: ["files:write"] },
    ]);
    const rows = await audits(id);
    expect(rows.map((r) => r.action)).toEqual([
      "resource.created",
      "resource.updated",
      "resource.policy_updated",
      "resource.tools_updated",
    ]);
    const toolsRow = rows[3];
    // The field-level diff (issue 13 #9), not the whole draft twice.
    expect(toolsRow?.before).toBeNull();
    expect(JSON.parse(toolsRow?.after ?? "{}").changes).toEqual([
      { path: "draft.tools[read_file]", kind: "added", after: { name: "read_file", enabled: true, scopes: [] } },
      {
        path: "draft.tools[write_file]",
        kind: "added",
        after: { name: "write_file", enabled: false, scopes: ["files:write"] },
      },
    ]);
  });

  it("refuses a scope with spaces, unknown scopes and removing a scope a tool needs", async () => {
    const res = await create(base());
    if (!res.ok) throw new Error("create failed");
    const id = res.data.id;
    const d = res.data.draft;
    const spaced = UpdatePolicyInput.safeParse({
      id,
      scopes: [{ name: "files write" }],
      methods: {},
      rateLimits: d.rateLimits,
    });
    expect(spaced.success).toBe(false);
    expect(spaced.error?.issues[0]?.path).toEqual(["scopes", 0, "name"]);
    const unknown = await attempt(() =>
      updateResourcePolicy(
        actor,
        UpdatePolicyInput.parse({
          id,
          scopes: d.scopes,
          methods: { "tools/call": { anyOf: ["nope"] } },
          rateLimits: d.rateLimits,
        }),
        ctx,
      ),
    );
    expect(unknown).toMatchObject({
      ok: false,
      code: "invalid_input",
      fields: { "methods.tools/call": [expect.stringMatching(/Unknown scope nope/)] },
    });
    const toolScope = await attempt(() =>
      updateResourceTools(
        actor,
        UpdateToolsInput.parse({ id, unlistedTools: "deny", tools: [{ name: "t", scopes: ["nope"] }] }),
        ctx,
      ),
    );
    expect(toolScope).toMatchObject({
      ok: false,
      fields: { "tools.0.scopes": [expect.stringMatching(/Unknown scope nope/)] },
    });
    await updateResourceTools(
      actor,
      UpdateToolsInput.parse({ id, unlistedTools: "deny", tools: [{ name: "t", scopes: ["mcp:tools:admin"] }] }),
      ctx,
    );
    const removal = await attempt(() =>
      updateResourcePolicy(
        actor,
        UpdatePolicyInput.parse({
          id,
          scopes: d.scopes.filter((s) => s.name !== "mcp:tools:admin"),
          methods: d.methods,
          rateLimits: d.rateLimits,
        }),
        ctx,
      ),
    );
    expect(removal).toMatchObject({
      ok: false,
      fields: { scopes: [expect.stringMatching(/Tool t requires mcp:tools:admin/)] },
    });
    const dup = UpdateToolsInput.safeParse({ id, unlistedTools: "deny", tools: [{ name: "a" }, { name: "a" }] });
    expect(dup.success).toBe(false);
    expect((await getResource(id))?.draft.tools).toEqual([{ name: "t", enabled: true, scopes: ["mcp:tools:admin"] }]);
  });

  it("saves the baseline scopes and the tools-needing-scope choice, audited, and refuses an unknown baseline scope (issue 20)", async () => {
    const res = await create(base());
    if (!res.ok) throw new Error("create failed");
    const { id, draft: d } = res.data;
    expect([d.baselineScopes, d.toolsNeedingScope]).toEqual([[], "show"]);
    const input = { id, scopes: d.scopes, methods: d.methods, rateLimits: d.rateLimits };
    const saved = await updateResourcePolicy(
      actor,
      UpdatePolicyInput.parse({ ...input, baselineScopes: ["mcp:tools:read"], toolsNeedingScope: "hide" }),
      ctx,
    );
    expect([saved.draft.baselineScopes, saved.draft.toolsNeedingScope]).toEqual([["mcp:tools:read"], "hide"]);
    // Absent fields keep what was saved (REST clients that only send scopes, methods and limits).
    const kept = await updateResourcePolicy(actor, UpdatePolicyInput.parse(input), ctx);
    expect([kept.draft.baselineScopes, kept.draft.toolsNeedingScope]).toEqual([["mcp:tools:read"], "hide"]);
    const last = (await audits(id)).at(-2);
    expect(JSON.parse(last?.after ?? "{}").changes).toEqual([
      { path: "draft.baselineScopes", kind: "added", after: "mcp:tools:read" },
      { path: "draft.toolsNeedingScope", kind: "changed", before: "show", after: "hide" },
    ]);
    const unknown = await attempt(() =>
      updateResourcePolicy(actor, UpdatePolicyInput.parse({ ...input, baselineScopes: ["files:nope"] }), ctx),
    );
    expect(unknown).toMatchObject({ ok: false, fields: { baselineScopes: [expect.stringMatching(/files:nope/)] } });
    expect(UpdatePolicyInput.safeParse({ ...input, toolsNeedingScope: "maybe" }).success).toBe(false);
  });

  it("shows unpublished changes by content: until the draft equals the latest version (issue 13 #4)", async () => {
    const res = await create(base());
    if (!res.ok) throw new Error("create failed");
    const id = res.data.id;
    expect(await getDraftStatus(id)).toMatchObject({
      latestVersion: null,
      latestPublishedAt: null,
      hasUnpublishedChanges: true,
    });
    await publishConfig(actor, { resourceId: id, note: "" }, ctx);
    expect(await getDraftStatus(id)).toMatchObject({ latestVersion: 1, hasUnpublishedChanges: false, changeCount: 0 });
    expect((await listResources()).find((r) => r.id === id)).toMatchObject({
      latestVersion: 1,
      hasUnpublishedChanges: false,
    });
    const draft = (await getResource(id))?.draft;
    await updateResourceTools(actor, UpdateToolsInput.parse({ id, unlistedTools: "allow", tools: [] }), ctx);
    expect(await getDraftStatus(id)).toMatchObject({ hasUnpublishedChanges: true, changeCount: 1 });
    expect((await listResources()).find((r) => r.id === id)?.hasUnpublishedChanges).toBe(true);
    // Undoing the edit is no change, whatever the timestamps say.
    await updateResourceTools(
      actor,
      UpdateToolsInput.parse({ id, unlistedTools: draft?.unlistedTools, tools: draft?.tools }),
      ctx,
    );
    expect(await getDraftStatus(id)).toMatchObject({ hasUnpublishedChanges: false, changeCount: 0 });
  });
});
