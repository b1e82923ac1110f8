import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { ConfigBundle } from "@/lib/enforcer/policy";
import { db } from "../db";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "../enforcers/test-fixtures";
import { AppError } from "../errors";
import { publishConfig, rollbackConfig } from "./publish";
import { CONFIG_JWS_TYP } from "./sign-bundle";
import { publicJwks } from "./signing-key";
import { diffConfigVersions, getConfigVersion, getLatestSigned, listConfigVersions } from "./versions";

async function caught(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe("publishing signed config versions", () => {
  it("publishes a bundle that verifies against the public JWKS and parses with the enforcer's schema", async () => {
    const { resourceId } = await createTestResource();
    const v1 = await publishConfig(testActor, { resourceId, note: "first" }, testCtx);
    expect(v1.version).toBe(1);
    expect(v1.etag).toMatch(/^"v1-[0-9a-f]{16}"$/);
    const latest = await getLatestSigned(resourceId);
    if (!latest) throw new Error("not stored");
    const header = decodeProtectedHeader(latest.jws);
    expect(header).toMatchObject({ alg: "ES256", typ: CONFIG_JWS_TYP, kid: v1.kid });
    const { payload } = await compactVerify(latest.jws, createLocalJWKSet(await publicJwks()), {
      algorithms: ["ES256"],
    });
    const bundle = ConfigBundle.parse(JSON.parse(new TextDecoder().decode(payload)));
    expect(bundle).toMatchObject({ version: 1, resourceId, publishedBy: testActor.email });
    expect(bundle.policy.tools.map((t) => t.name)).toEqual(["search", "delete_file"]);
    expect(bundle.policy.idp.authorizationServers).toEqual(bundle.policy.idp.issuers);
    const audit = await db().auditEvent.findFirst({ where: { action: "config.published", targetId: resourceId } });
    expect(JSON.parse(audit?.after ?? "{}")).toMatchObject({ version: 1, note: "first" });
  });

  it("numbers concurrent publishes 1..n without gaps or duplicates", async () => {
    const { resourceId } = await createTestResource();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => publishConfig(testActor, { resourceId, note: `p${i}` }, testCtx)),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await listConfigVersions(resourceId)).map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it("refuses an invalid draft with 422 naming the field, and stores nothing", async () => {
    const { resourceId } = await createTestResource({ draft: draftWith({ audiences: [] }) });
    const err = await caught(publishConfig(testActor, { resourceId, note: "" }, testCtx));
    expect(err.code).toBe("invalid_input");
    expect(err.message).toMatch(/draft\.audiences/);
    expect(Object.keys(err.fieldErrors ?? {})).toContain("draft.audiences");
    await setDraft(resourceId, draftWith({ tools: [{ name: "a" }, { name: "a" }] }));
    const dup = await caught(publishConfig(testActor, { resourceId, note: "" }, testCtx));
    expect(dup.fieldErrors).toHaveProperty("draft.tools.1.name");
    await setDraft(resourceId, draftWith({ algorithms: ["ES256"] }));
    const alg = await caught(publishConfig(testActor, { resourceId, note: "" }, testCtx));
    expect(alg.message).toMatch(/algorithm/);
    expect(await listConfigVersions(resourceId)).toEqual([]);
  });

  it("answers not_found for an unknown resource", async () => {
    expect((await caught(publishConfig(testActor, { resourceId: "nope", note: "" }, testCtx))).code).toBe("not_found");
    expect((await caught(listConfigVersions("nope"))).code).toBe("not_found");
  });

  it("rolls back by publishing the old policy as a new version, diffable and audited", async () => {
    const { resourceId } = await createTestResource();
    await publishConfig(testActor, { resourceId, note: "two tools" }, testCtx);
    await setDraft(resourceId, draftWith({ tools: [{ name: "search", enabled: true, scopes: ["mcp:tools:read"] }] }));
    await publishConfig(testActor, { resourceId, note: "one tool" }, testCtx);
    const diff = await diffConfigVersions(resourceId, 1, 2);
    expect(diff.changes).toContainEqual(expect.objectContaining({ path: "tools[delete_file]", kind: "removed" }));
    expect(diff.changes).toContainEqual({ path: "tools[search].scopes", kind: "added", after: "mcp:tools:read" });
    const v3 = await rollbackConfig(testActor, { resourceId, version: 1, note: "" }, testCtx);
    expect(v3).toMatchObject({ version: 3, rolledBackFrom: 1, note: "Rollback to version 1" });
    const [one, three] = await Promise.all([getConfigVersion(resourceId, 1), getConfigVersion(resourceId, 3)]);
    expect(three.bundle.policy).toEqual(one.bundle.policy);
    expect((await diffConfigVersions(resourceId, 1, 3)).changes).toEqual([]);
    const audit = await db().auditEvent.findFirst({ where: { action: "config.rolled_back", targetId: resourceId } });
    expect(JSON.parse(audit?.after ?? "{}")).toMatchObject({ version: 3, rolledBackFrom: 1 });
    expect((await caught(rollbackConfig(testActor, { resourceId, version: 99, note: "" }, testCtx))).code).toBe(
      "not_found",
    );
  });
});
