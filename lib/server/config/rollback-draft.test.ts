/**
 * Issue 13 #4 and #5: a rollback resets the draft to the rolled-back version (the draft it replaced kept as a named,
 * restorable snapshot); the draft status compares content; an unchanged draft is not published again; risky
 * publishes ask for confirmation naming the risk.
 */
import { describe, expect, it } from "vitest";
import { UpdateToolsInput } from "@/lib/schemas/resources";
import { db } from "../db";
import { createTestResource, testActor, testCtx } from "../enforcers/test-fixtures";
import type { AppError } from "../errors";
import { republishProfileResources, resourcesNeedingRepublish } from "../idp-profiles/republish";
import { listDraftSnapshots, restoreDraftSnapshot } from "../resources/draft-snapshots";
import { getDraftStatus } from "../resources/draft-status";
import { updateResourceTools } from "../resources/update-draft";
import { publishConfig, publishDraft, rollbackConfig } from "./publish";
import { getConfigVersion } from "./versions";

const tools = (deleteEnabled: boolean, extra: string[] = []) =>
  UpdateToolsInput.parse({
    id: "placeholder",
    unlistedTools: "deny",
    tools: [
      { name: "search", enabled: true, scopes: [] },
      { name: "delete_file", enabled: deleteEnabled, scopes: ["mcp:tools:admin"] },
      ...extra.map((name) => ({ name, enabled: true, scopes: [] })),
    ],
  });

async function setTools(resourceId: string, deleteEnabled: boolean, extra: string[] = []) {
  await updateResourceTools(testActor, { ...tools(deleteEnabled, extra), id: resourceId }, testCtx);
}

const caught = (p: Promise<unknown>) =>
  p.then(
    () => new Error("resolved"),
    (e: unknown) => e as AppError,
  );
const enabledTools = async (resourceId: string, version: number) =>
  (await getConfigVersion(resourceId, version)).bundle.policy.tools.filter((t) => t.enabled).map((t) => t.name);

describe("rollback resets the draft", () => {
  it("keeps the replaced draft as a snapshot, reports no change, and the next publish re-enables nothing", async () => {
    const { resourceId } = await createTestResource();
    await setTools(resourceId, false);
    expect((await publishDraft(testActor, { resourceId, note: "v1" }, testCtx)).version).toBe(1);
    await setTools(resourceId, true);
    expect((await publishDraft(testActor, { resourceId, note: "v2" }, testCtx)).version).toBe(2);
    await setTools(resourceId, true, ["draft_only"]); // unpublished work in progress
    expect(await getDraftStatus(resourceId)).toMatchObject({ hasUnpublishedChanges: true, changeCount: 1 });

    const rolled = await rollbackConfig(testActor, { resourceId, version: 1, note: "" }, testCtx);
    expect(rolled).toMatchObject({ version: 3, draftSnapshot: "Draft before rollback to v1 (v3)" });
    expect(await enabledTools(resourceId, 3)).toEqual(["search"]);
    // Before: the draft still had delete_file enabled and the header said "Draft published" (timestamps).
    expect(await getDraftStatus(resourceId)).toMatchObject({
      latestVersion: 3,
      hasUnpublishedChanges: false,
      changeCount: 0,
    });
    const again = await caught(publishDraft(testActor, { resourceId, note: "" }, testCtx));
    expect(again).toMatchObject({ code: "nothing_to_publish" });
    expect((again as AppError).message).toMatch(/Nothing to publish.*v3/);

    const [snap] = await listDraftSnapshots(resourceId);
    expect(snap).toMatchObject({ name: "Draft before rollback to v1 (v3)", createdByEmail: testActor.email });
    expect(snap?.changeCount).toBeGreaterThan(0);
    const audit = await db().auditEvent.findFirst({ where: { action: "resource.draft_reset", targetId: resourceId } });
    expect(JSON.parse(audit?.after ?? "{}")).toMatchObject({ toVersion: 1, snapshotName: snap?.name });

    // Restoring brings the work in progress back, and keeps the rolled-back draft as a snapshot in turn.
    const restored = await restoreDraftSnapshot(testActor, { resourceId, snapshotId: snap?.id ?? "" }, testCtx);
    expect(restored.replacedBy).toBe('Draft before restoring "Draft before rollback to v1 (v3)"');
    const status = await getDraftStatus(resourceId);
    expect(status).toMatchObject({ hasUnpublishedChanges: true });
    expect(status.changeCount).toBeGreaterThanOrEqual(2);
    expect((await publishDraft(testActor, { resourceId, note: "" }, testCtx)).version).toBe(4);
    expect(await enabledTools(resourceId, 4)).toEqual(["search", "delete_file", "draft_only"]);
  });

  it("rebuilds the draft of a version published before drafts were stored with versions", async () => {
    const { resourceId } = await createTestResource();
    await setTools(resourceId, false);
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    await db().configVersion.updateMany({ where: { resourceId }, data: { draft: null } });
    await setTools(resourceId, true);
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    await rollbackConfig(testActor, { resourceId, version: 1, note: "" }, testCtx);
    expect(await getDraftStatus(resourceId)).toMatchObject({ hasUnpublishedChanges: false });
  });
});

describe("publish guardrails", () => {
  it("asks before publishing with a failed Test connection, naming the risk", async () => {
    const { resourceId, idpProfileId } = await createTestResource();
    await db().idpProfile.update({ where: { id: idpProfileId }, data: { lastTestOk: false } });
    const err = await caught(publishDraft(testActor, { resourceId, note: "" }, testCtx));
    expect(err).toMatchObject({ code: "confirmation_required" });
    expect((err as AppError).message).toMatch(/last Test connection .* failed/);
    expect((err as AppError).status).toBe(409);
    expect((await publishDraft(testActor, { resourceId, note: "", confirm: true }, testCtx)).version).toBe(1);
  });

  it("asks before publishing enabled tools the last import marked new, then drops the marks", async () => {
    const { resourceId } = await createTestResource();
    const draft = JSON.parse((await db().mcpResource.findUniqueOrThrow({ where: { id: resourceId } })).draft);
    draft.tools.push({ name: "imported_tool", enabled: true, scopes: [], importedNew: true });
    await db().mcpResource.update({ where: { id: resourceId }, data: { draft: JSON.stringify(draft) } });
    const err = await caught(publishDraft(testActor, { resourceId, note: "" }, testCtx));
    expect((err as AppError).message).toMatch(/marked new .*imported_tool/);
    await publishDraft(testActor, { resourceId, note: "", confirm: true }, testCtx);
    const after = JSON.parse((await db().mcpResource.findUniqueOrThrow({ where: { id: resourceId } })).draft);
    expect(after.tools.some((t: { importedNew?: boolean }) => t.importedNew)).toBe(false);
  });

  it("names the resources an IdP profile edit left behind and republishes them in one action", async () => {
    const { resourceId, idpProfileId } = await createTestResource();
    const other = await db().mcpResource.create({
      data: {
        name: `second-${resourceId}`,
        uri: `https://second-${resourceId}.example.test/mcp`,
        idpProfileId,
        draft: JSON.stringify({ audiences: ["api://x"] }),
      },
    });
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    await publishConfig(testActor, { resourceId: other.id, note: "" }, testCtx);
    expect(await resourcesNeedingRepublish(idpProfileId)).toEqual([]);
    const profile = await db().idpProfile.findUniqueOrThrow({ where: { id: idpProfileId } });
    await db().idpProfile.update({ where: { id: idpProfileId }, data: { jwksUri: `${profile.jwksUri}/rotated` } });
    expect((await resourcesNeedingRepublish(idpProfileId)).map((r) => r.latestVersion)).toEqual([1, 1]);
    const results = await republishProfileResources(testActor, { profileId: idpProfileId }, testCtx);
    expect(results.map((r) => r.version)).toEqual([2, 2]);
    expect(await resourcesNeedingRepublish(idpProfileId)).toEqual([]);
    expect((await getConfigVersion(resourceId, 2)).bundle.policy.idp.jwksUri).toBe(`${profile.jwksUri}/rotated`);
  });
});
