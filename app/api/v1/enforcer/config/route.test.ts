import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { describe, expect, it } from "vitest";
import { publishConfig } from "@/lib/server/config/publish";
import { db } from "@/lib/server/db";
import { createCredential, revokeCredential } from "@/lib/server/enforcers/credentials";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "@/lib/server/enforcers/test-fixtures";
import { GET as jwksRoute } from "../../../../.well-known/portcullis-jwks.json/route";
import { POST as heartbeat } from "../heartbeat/route";
import { GET } from "./route";

const BASE = "http://127.0.0.1/api/v1/enforcer/config";
const get = (secret: string, opts: { wait?: string; etag?: string } = {}) =>
  GET(
    new Request(`${BASE}${opts.wait === undefined ? "" : `?wait=${opts.wait}`}`, {
      headers: { authorization: `Bearer ${secret}`, ...(opts.etag ? { "if-none-match": opts.etag } : {}) },
    }),
  );

async function resourceWithCredential() {
  const { resourceId } = await createTestResource();
  const { secret, credential } = await createCredential(testActor, { resourceId, name: "fleet" }, testCtx);
  return { resourceId, secret, credentialId: credential.id };
}

describe("GET /api/v1/enforcer/config", () => {
  it("answers 404 before the first publish, then the signed bundle with an ETag", async () => {
    const { resourceId, secret } = await resourceWithCredential();
    const none = await get(secret);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: "not_found" } });
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const res = await get(secret);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/jose");
    expect(res.headers.get("etag")).toMatch(/^"v1-[0-9a-f]{16}"$/);
    expect(res.headers.get("x-portcullis-config-version")).toBe("1");
    const jwks = (await (
      await jwksRoute(new Request("http://127.0.0.1/.well-known/portcullis-jwks.json"))
    ).json()) as JSONWebKeySet;
    const { payload } = await compactVerify(await res.text(), createLocalJWKSet(jwks));
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ version: 1, resourceId });
  });

  it("answers 304 for the current ETag, and holds a long-poll until a publish wakes it", async () => {
    const { resourceId, secret } = await resourceWithCredential();
    const v1 = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const same = await get(secret, { wait: "0", etag: v1.etag });
    expect(same.status).toBe(304);
    expect(same.headers.get("etag")).toBe(v1.etag);
    expect((await get(secret, { wait: "0", etag: `W/${v1.etag}, "other"` })).status).toBe(304);

    const waiting = get(secret, { wait: "20", etag: v1.etag });
    await new Promise((r) => setTimeout(r, 200));
    await setDraft(resourceId, draftWith({ tools: [{ name: "search" }] }));
    await publishConfig(testActor, { resourceId, note: "wake" }, testCtx);
    const woken = await waiting;
    expect(woken.status).toBe(200);
    expect(woken.headers.get("x-portcullis-config-version")).toBe("2");
  });

  it("times out a long-poll with 304 and refuses a bad wait", async () => {
    const { resourceId, secret } = await resourceWithCredential();
    const v1 = await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    expect((await get(secret, { wait: "1", etag: v1.etag })).status).toBe(304);
    const bad = await get(secret, { wait: "soon", etag: v1.etag });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad_request" } });
  });

  it("refuses unknown and revoked credentials with 401 and a Bearer challenge", async () => {
    const { resourceId, secret, credentialId } = await resourceWithCredential();
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const unknown = await get(`pcl_ffffffffffff_${"B".repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toMatch(/^Bearer /);
    await revokeCredential(testActor, { resourceId, credentialId }, testCtx);
    expect((await get(secret)).status).toBe(401);
    expect((await GET(new Request(BASE))).status).toBe(401);
  });
});

describe("POST /api/v1/enforcer/heartbeat", () => {
  const post = (secret: string, body: string, headers: Record<string, string> = {}) =>
    heartbeat(
      new Request("http://127.0.0.1/api/v1/enforcer/heartbeat", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...headers },
        body,
      }),
    );

  it("records the instance, scoped to the credential's resource", async () => {
    const { resourceId, secret } = await resourceWithCredential();
    await publishConfig(testActor, { resourceId, note: "" }, testCtx);
    const body = {
      instanceId: "web-1",
      host: "web-1.local",
      moduleVersion: "1.0.0",
      appliedVersion: 1,
      lastError: null,
    };
    const res = await post(secret, JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, latestVersion: 1 });
    const row = await db().enforcerInstance.findUniqueOrThrow({ where: { id: `${resourceId}/web-1` } });
    expect(row).toMatchObject({ resourceId, host: "web-1.local", appliedVersion: 1 });
  });

  it.each([
    ["an unknown field type", JSON.stringify({ instanceId: "web-1", appliedVersion: "one" }), {}, 422, "invalid_input"],
    ["a bad instance id", JSON.stringify({ instanceId: "a b" }), {}, 422, "invalid_input"],
    ["broken JSON", "{", {}, 400, "bad_request"],
    ["a non-JSON type", "x", { "content-type": "text/plain" }, 415, "unsupported_media_type"],
    [
      "a 10 MB body",
      JSON.stringify({ instanceId: "x", host: "a".repeat(10 * 1024 * 1024) }),
      {},
      413,
      "payload_too_large",
    ],
  ])("refuses %s", async (_name, body, headers, status, code) => {
    const { secret } = await resourceWithCredential();
    const res = await post(secret, body, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
  });

  it("refuses a missing credential before reading the body", async () => {
    const res = await heartbeat(
      new Request("http://127.0.0.1/api/v1/enforcer/heartbeat", { method: "POST", body: "{}" }),
    );
    expect(res.status).toBe(401);
  });
});
