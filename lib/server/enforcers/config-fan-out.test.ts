/**
 * Issue 17: a publish costs the control plane a read of the bundle and a credential check per wake-up,
 * not per waiting enforcer; and nothing gets weaker (every waiter gets the new bundle, a credential
 * revoked while it waited still gets 401). Through the real route.
 */
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/enforcer/config/route";
import { publishConfig } from "../config/publish";
import { fanOutReads } from "./config-fan-out";
import { longPollsHeld } from "./config-poll";
import { createCredential, revokeCredential } from "./credentials";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "./test-fixtures";

const BASE = "http://127.0.0.1/api/v1/enforcer/config";
const poll = (secret: string, etag: string) =>
  GET(new Request(`${BASE}?wait=20`, { headers: { authorization: `Bearer ${secret}`, "if-none-match": etag } }));

describe("config fan-out (issue 17)", () => {
  it("wakes 60 waiters with one bundle read, one credential query and one signature; a credential revoked meanwhile gets 401", async () => {
    const { resourceId } = await createTestResource();
    const creds = await Promise.all(
      [0, 1, 2].map((i) => createCredential(testActor, { resourceId, name: `fan-${i}` }, testCtx)),
    );
    const v1 = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const waiting = creds.flatMap(({ secret }) => Array.from({ length: 20 }, () => poll(secret, v1.etag)));
    const held = () => creds.reduce((n, c) => n + longPollsHeld(c.credential.id), 0);
    for (let i = 0; i < 200 && held() < 60; i++) await new Promise((r) => setTimeout(r, 25));
    expect(held()).toBe(60);
    const revoked = creds[2]?.credential.id ?? "";
    await revokeCredential(testActor, { resourceId, credentialId: revoked }, testCtx);

    const before = { ...fanOutReads };
    await setDraft(resourceId, draftWith({ tools: [{ name: "fanned-out" }] }));
    const v2 = await publishConfig(testActor, { resourceId, note: "v2" }, testCtx);
    const answers = await Promise.all(waiting);
    const ok = answers.filter((r) => r.status === 200);
    expect(ok).toHaveLength(40);
    expect(new Set(ok.map((r) => r.headers.get("etag")))).toEqual(new Set([v2.etag]));
    expect(await ok[0]?.text()).toBe(await ok[39]?.text());
    // One signed latest-version announcement for all of them (ES256 signatures differ on every signing).
    expect(new Set(ok.map((r) => r.headers.get("x-portcullis-latest-version"))).size).toBe(1);
    const refused = answers.filter((r) => r.status === 401);
    expect(refused).toHaveLength(20);
    expect(await refused[0]?.text()).not.toContain("fanned-out");
    // Before issue 17: 60 bundle reads and 60 credential reads for this publish.
    expect(fanOutReads.latest - before.latest).toBeLessThanOrEqual(2);
    expect(fanOutReads.credentials - before.credentials).toBeLessThanOrEqual(2);
  });

  it("a waiter never gets a bundle older than its own wake-up: publishes back to back reach every waiter", async () => {
    const { resourceId } = await createTestResource();
    const { secret } = await createCredential(testActor, { resourceId, name: "fan-race" }, testCtx);
    let latest = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    for (let round = 0; round < 5; round++) {
      const waiting = Array.from({ length: 10 }, () => poll(secret, latest.etag));
      await new Promise((r) => setTimeout(r, 100));
      await setDraft(resourceId, draftWith({ tools: [{ name: `round-${round}` }] }));
      const a = await publishConfig(testActor, { resourceId, note: `a${round}` }, testCtx);
      await setDraft(resourceId, draftWith({ tools: [{ name: `round-${round}-b` }] }));
      latest = await publishConfig(testActor, { resourceId, note: `b${round}` }, testCtx);
      for (const res of await Promise.all(waiting)) {
        expect(res.status).toBe(200);
        expect([a.etag, latest.etag]).toContain(res.headers.get("etag"));
      }
    }
  });
});
