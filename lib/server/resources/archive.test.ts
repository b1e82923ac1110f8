/**
 * Issue 13 #7: archive publishes a deny-all bundle that a real enforcer (fed the signed bundle) answers with 403
 * resource_archived; restore publishes the pre-archive policy again; delete needs the archive and the typed name;
 * each is audited, and the IdP profile stays protected while an archived resource uses it.
 */
import { describe, expect, it } from "vitest";
import { createEnforcer } from "@/lib/enforcer/enforcer";
import { publishConfig, publishDraft } from "../config/publish";
import { getConfigVersion } from "../config/versions";
import { db } from "../db";
import { createTestResource, testActor, testCtx } from "../enforcers/test-fixtures";
import type { AppError } from "../errors";
import { deleteIdpProfile } from "../idp-profiles/save-idp-profile";
import { archiveResource, deleteResource, restoreResource } from "./archive";

const caught = (p: Promise<unknown>) =>
  p.then(
    () => new Error("resolved"),
    (e: unknown) => e as AppError,
  );

async function decisionOf(resourceId: string, version: number) {
  const { bundle } = await getConfigVersion(resourceId, version);
  const enforcer = createEnforcer({ policy: bundle.policy });
  const res = await enforcer.handle(
    new Request(bundle.policy.resource.uri, {
      method: "POST",
      headers: { "content-type": "application/json", "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    }),
    async () => Response.json({}),
  );
  return { status: res.status, reason: res.status === 401 ? "challenge" : (await res.json()).error?.data?.reason };
}

describe("archive, restore, delete", () => {
  it("archives with a deny-all bundle, refuses publishing, restores the previous policy", async () => {
    const { resourceId } = await createTestResource();
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    expect((await decisionOf(resourceId, 1)).reason).toBe("challenge"); // a live resource asks for a token

    expect(await archiveResource(testActor, { id: resourceId }, testCtx)).toEqual({ version: 2 });
    const archived = (await getConfigVersion(resourceId, 2)).bundle.policy;
    expect(archived.archived).toBe(true);
    expect(archived.tools.every((t) => !t.enabled)).toBe(true);
    expect(Object.values(archived.methods).every((m) => m.enabled === false)).toBe(true);
    expect(await decisionOf(resourceId, 2)).toEqual({ status: 403, reason: "resource_archived" });
    expect(await caught(publishDraft(testActor, { resourceId, note: "" }, testCtx))).toMatchObject({
      code: "resource_archived",
    });
    expect(await caught(archiveResource(testActor, { id: resourceId }, testCtx))).toMatchObject({ code: "conflict" });

    expect(await restoreResource(testActor, { id: resourceId }, testCtx)).toEqual({ version: 3 });
    const restored = (await getConfigVersion(resourceId, 3)).bundle.policy;
    expect(restored).toEqual((await getConfigVersion(resourceId, 1)).bundle.policy);
    const actions = await db().auditEvent.findMany({
      where: { targetId: resourceId, action: { in: ["resource.archived", "resource.restored"] } },
      orderBy: { seq: "asc" },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual(["resource.archived", "resource.restored"]);
  });

  it("deletes only an archived resource, by its exact name; the profile stays protected until then", async () => {
    const { resourceId, idpProfileId, name } = await createTestResource();
    expect(await caught(deleteResource(testActor, { id: resourceId, confirmName: name }, testCtx))).toMatchObject({
      code: "conflict",
    });
    await archiveResource(testActor, { id: resourceId }, testCtx); // never published: no bundle needed
    expect(await caught(deleteIdpProfile(testActor, { id: idpProfileId }, testCtx))).toMatchObject({
      code: "conflict",
    });
    const wrong = await caught(deleteResource(testActor, { id: resourceId, confirmName: name.toUpperCase() }, testCtx));
    expect(wrong).toMatchObject({ code: "invalid_input", fieldErrors: { confirmName: [`Type ${name} exactly.`] } });
    await deleteResource(testActor, { id: resourceId, confirmName: name }, testCtx);
    expect(await db().mcpResource.findUnique({ where: { id: resourceId } })).toBeNull();
    const audit = await db().auditEvent.findFirst({ where: { action: "resource.deleted", targetId: resourceId } });
    expect(JSON.parse(audit?.before ?? "{}")).toMatchObject({ name });
    await deleteIdpProfile(testActor, { id: idpProfileId }, testCtx);
  });
});
