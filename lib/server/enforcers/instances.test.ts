import { describe, expect, it } from "vitest";
import { publishConfig } from "../config/publish";
import { getLatestVersionNumber } from "../config/versions";
import { db } from "../db";
import { instanceKey, listInstances, recordHeartbeat } from "./instances";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "./test-fixtures";

const beat = (over: Partial<Parameters<typeof recordHeartbeat>[1]> = {}) => ({
  instanceId: "web-1",
  host: "web-1.internal",
  moduleVersion: "1.0.0",
  appliedVersion: null,
  lastError: null,
  ...over,
});

describe("enforcer heartbeats (one insert-or-update statement)", () => {
  it("creates the instance, then updates everything but startedAt; dates read back through Prisma", async () => {
    const { resourceId } = await createTestResource();
    const identity = { credentialId: "c-1", resourceId };
    const before = Date.now();
    expect(await recordHeartbeat(identity, beat())).toEqual({ latestVersion: null });
    const first = await db().enforcerInstance.findUniqueOrThrow({ where: { id: instanceKey(resourceId, "web-1") } });
    expect(first).toMatchObject({ resourceId, host: "web-1.internal", moduleVersion: "1.0.0", appliedVersion: null });
    expect(first.startedAt).toBeInstanceOf(Date);
    expect(first.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(first.startedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1);
    expect(first.lastSeenAt.getTime()).toBe(first.startedAt.getTime());

    await new Promise((resolve) => setTimeout(resolve, 20));
    const published = await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
    const second = await recordHeartbeat(
      identity,
      beat({ host: "web-1b", moduleVersion: "1.1.0", appliedVersion: published.version, lastError: "x".repeat(1000) }),
    );
    expect(second).toEqual({ latestVersion: published.version });
    const row = await db().enforcerInstance.findUniqueOrThrow({ where: { id: instanceKey(resourceId, "web-1") } });
    expect(row).toMatchObject({ host: "web-1b", moduleVersion: "1.1.0", appliedVersion: published.version });
    expect(row.lastError).toHaveLength(1000);
    expect(row.startedAt.getTime()).toBe(first.startedAt.getTime());
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(first.lastSeenAt.getTime());
    expect(await db().enforcerInstance.count({ where: { resourceId } })).toBe(1);

    const [listed] = await listInstances(resourceId);
    expect(listed).toMatchObject({ instanceId: "web-1", appliedVersion: published.version, outdated: false });
    expect(Date.parse(listed?.lastSeenAt ?? "")).toBe(row.lastSeenAt.getTime());
  });

  it("keeps two resources' instances of the same name apart, and takes text as data", async () => {
    const a = await createTestResource();
    const b = await createTestResource();
    const tricky = `web-1'); DROP TABLE "EnforcerInstance"; --`;
    await recordHeartbeat({ credentialId: "c-a", resourceId: a.resourceId }, beat({ host: tricky }));
    await recordHeartbeat({ credentialId: "c-b", resourceId: b.resourceId }, beat({ host: "b-host" }));
    expect((await listInstances(a.resourceId)).map((i) => i.host)).toEqual([tricky]);
    expect((await listInstances(b.resourceId)).map((i) => i.host)).toEqual(["b-host"]);
  });

  it("reads the latest version of each resource with MAX, null before the first publish", async () => {
    const { resourceId } = await createTestResource();
    const other = await createTestResource();
    expect(await getLatestVersionNumber(resourceId)).toBeNull();
    const v1 = await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
    expect(await getLatestVersionNumber(resourceId)).toBe(v1.version);
    await setDraft(resourceId, draftWith({ tools: [{ name: "search", enabled: true, scopes: [] }] }));
    const v2 = await publishConfig(testActor, { resourceId, note: "v2", confirm: true }, testCtx);
    expect(v2.version).toBe(v1.version + 1);
    expect(await getLatestVersionNumber(resourceId)).toBe(v2.version);
    expect(await getLatestVersionNumber(other.resourceId)).toBeNull();
  });
});
