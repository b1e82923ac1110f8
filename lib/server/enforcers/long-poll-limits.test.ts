/**
 * Issue 10 #14: a long-poll opened before its credential was revoked must not receive the next bundle, and
 * one credential holds at most 50 long-polls at once (then 429 with Retry-After). Through the real route.
 */
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/enforcer/config/route";
import { publishConfig } from "../config/publish";
import { longPollsHeld, MAX_LONG_POLLS_PER_CREDENTIAL } from "./config-poll";
import { createCredential, revokeCredential } from "./credentials";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "./test-fixtures";

const BASE = "http://127.0.0.1/api/v1/enforcer/config";
const poll = (secret: string, etag: string, wait = "20", signal?: AbortSignal) =>
  GET(
    new Request(`${BASE}?wait=${wait}`, {
      headers: { authorization: `Bearer ${secret}`, "if-none-match": etag },
      signal,
    }),
  );

describe("config long-polls and their credential (issue 10 #14)", () => {
  it("answers 401, not the new bundle, to a long-poll whose credential was revoked while it waited", async () => {
    const { resourceId } = await createTestResource();
    const { secret, credential } = await createCredential(testActor, { resourceId, name: "lp" }, testCtx);
    const v1 = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const waiting = poll(secret, v1.etag);
    await new Promise((r) => setTimeout(r, 200));
    await revokeCredential(testActor, { resourceId, credentialId: credential.id }, testCtx);
    await setDraft(resourceId, draftWith({ tools: [{ name: "after-revocation" }] }));
    await publishConfig(testActor, { resourceId, note: "v2" }, testCtx);
    const res = await waiting;
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("after-revocation");
  });

  it(`holds at most ${MAX_LONG_POLLS_PER_CREDENTIAL} long-polls per credential, then 429 with Retry-After`, async () => {
    const { resourceId } = await createTestResource();
    const { secret, credential } = await createCredential(testActor, { resourceId, name: "lp-cap" }, testCtx);
    const other = await createCredential(testActor, { resourceId, name: "lp-other" }, testCtx);
    const v1 = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const abort = new AbortController();
    const held = Array.from({ length: MAX_LONG_POLLS_PER_CREDENTIAL }, () => poll(secret, v1.etag, "20", abort.signal));
    for (let i = 0; i < 200 && longPollsHeld(credential.id) < MAX_LONG_POLLS_PER_CREDENTIAL; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(longPollsHeld(credential.id)).toBe(MAX_LONG_POLLS_PER_CREDENTIAL);
    const refused = await poll(secret, v1.etag);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Another credential is not affected; a plain fetch (no long-poll) of the same credential neither.
    expect((await poll(other.secret, v1.etag, "0")).status).toBe(304);
    expect((await GET(new Request(BASE, { headers: { authorization: `Bearer ${secret}` } }))).status).toBe(200);
    abort.abort();
    expect(new Set((await Promise.all(held)).map((r) => r.status))).toEqual(new Set([304]));
    expect(longPollsHeld(credential.id)).toBe(0); // the slots were given back
  });
});
