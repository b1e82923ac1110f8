import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JSONWebKeySet } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { GET as jwksRoute } from "@/app/.well-known/portcullis-jwks.json/route";
import { GET as configRoute } from "@/app/api/v1/enforcer/config/route";
import { POST as heartbeatRoute } from "@/app/api/v1/enforcer/heartbeat/route";
import { createConfigClient } from "@/lib/enforcer/config/client";
import type { ConfigRejection } from "@/lib/enforcer/config/verify";
import { publishConfig } from "../config/publish";
import { db } from "../db";
import { createCredential } from "./credentials";
import { listInstances } from "./instances";
import { notifyLocally } from "./notifier";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "./test-fixtures";
import { serveRoutes } from "./test-http";

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("config client against the real control-plane route handlers", () => {
  it("follows publishes, reports to the fleet view, refuses a bundle altered in the database, restarts from cache", async () => {
    const { resourceId } = await createTestResource();
    const { secret } = await createCredential(testActor, { resourceId, name: "routes" }, testCtx);
    await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
    const server = await serveRoutes({
      "GET /api/v1/enforcer/config": configRoute,
      "POST /api/v1/enforcer/heartbeat": heartbeatRoute,
      "GET /.well-known/portcullis-jwks.json": jwksRoute,
    });
    cleanups.push(() => server.close());
    const jwks = (await (await fetch(`${server.url}/.well-known/portcullis-jwks.json`)).json()) as JSONWebKeySet;
    const cacheFile = join(mkdtempSync(join(tmpdir(), "pcl-routes-")), "config.jws");
    const rejections: ConfigRejection[] = [];
    const options = {
      url: server.url,
      credential: secret,
      jwks,
      resourceId,
      cacheFile,
      onReject: (r: ConfigRejection) => rejections.push(r),
      backoff: { minMs: 20, maxMs: 100 },
    };
    const client = createConfigClient({
      ...options,
      heartbeat: { instanceId: "routes-1", host: "routes.local", moduleVersion: "0.1.0", intervalMs: 60_000 },
    });
    cleanups.push(() => client.stop());
    await client.start();
    expect(client.current()?.version).toBe(1);

    await setDraft(resourceId, draftWith({ tools: [{ name: "search", enabled: true, scopes: [] }] }));
    await publishConfig(testActor, { resourceId, note: "v2" }, testCtx);
    await until(() => client.current()?.version === 2, "version 2");
    expect(client.policy()?.tools.map((t) => t.name)).toEqual(["search"]);
    await until(async () => (await listInstances(resourceId))[0]?.appliedVersion === 2, "the heartbeat");
    expect((await listInstances(resourceId))[0]).toMatchObject({
      instanceId: "routes-1",
      outdated: false,
      silent: false,
    });

    // Someone with database access writes a version 3 whose payload grants more than was published.
    const v2 = await db().configVersion.findFirstOrThrow({ where: { resourceId, version: 2 } });
    const [header, payload, signature] = v2.jws.split(".");
    const forged = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as {
      version: number;
      policy: { unlistedTools: string };
    };
    forged.version = 3;
    forged.policy.unlistedTools = "allow";
    const forgedJws = `${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;
    await db().configVersion.create({
      data: { ...v2, id: undefined, version: 3, jws: forgedJws, etag: '"v3-forged"', bundle: JSON.stringify(forged) },
    });
    notifyLocally(resourceId);
    await until(() => rejections.length > 0, "the rejection");
    expect(rejections[0]?.code).toBe("bad_signature");
    expect(client.current()?.version).toBe(2);
    expect(client.policy()?.unlistedTools).toBe("deny");
    await client.stop();

    // The control plane goes away; a restarted enforcer enforces the cached version 2.
    await server.close();
    const restarted = createConfigClient(options);
    cleanups.push(() => restarted.stop());
    await restarted.start();
    expect(restarted.current()?.version).toBe(2);
    expect(restarted.lastError()).not.toBeNull();
  });

  // Issue 10 #6: bundles are bound to the credential's resource and cannot be rolled back on a fresh start.
  it("refuses an old version replayed to a fresh enforcer, a response without the signed latest version, and demands resourceId", async () => {
    const { resourceId } = await createTestResource();
    const { secret } = await createCredential(testActor, { resourceId, name: "rollback" }, testCtx);
    await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
    await setDraft(resourceId, draftWith({ tools: [{ name: "search", enabled: true, scopes: [] }] }));
    await publishConfig(testActor, { resourceId, note: "v2" }, testCtx);
    const v1 = await db().configVersion.findFirstOrThrow({ where: { resourceId, version: 1 } });
    // A man in the middle (or a stale cache in front of the control plane) answers with the old, validly
    // signed version 1, keeping every header of the real answer; another strips the latest-version header.
    let mode: "replay" | "strip" | "pass" = "replay";
    const server = await serveRoutes({
      "GET /api/v1/enforcer/config": async (request) => {
        const real = await configRoute(request);
        if (real.status !== 200 || mode === "pass") return real;
        const headers = new Headers(real.headers);
        if (mode === "strip") headers.delete("x-portcullis-latest-version");
        return new Response(mode === "replay" ? v1.jws : await real.text(), { status: 200, headers });
      },
      "GET /.well-known/portcullis-jwks.json": jwksRoute,
    });
    cleanups.push(() => server.close());
    const jwks = (await (await fetch(`${server.url}/.well-known/portcullis-jwks.json`)).json()) as JSONWebKeySet;
    const rejections: ConfigRejection[] = [];
    const fresh = (extra: object = {}) => {
      const client = createConfigClient({
        url: server.url,
        credential: secret,
        jwks,
        resourceId,
        onReject: (r) => rejections.push(r),
        backoff: { minMs: 20, maxMs: 100 },
        ...extra,
      });
      cleanups.push(() => client.stop());
      return client;
    };
    const replayed = fresh();
    await replayed.start();
    expect(replayed.current()).toBeUndefined();
    expect(rejections[0]?.code).toBe("stale_version");
    replayed.stop();

    mode = "strip";
    const stripped = fresh();
    await stripped.start();
    expect(stripped.current()).toBeUndefined();
    expect(rejections.at(-1)?.code).toBe("unannounced");
    stripped.stop();

    mode = "pass";
    const honest = fresh();
    await honest.start();
    expect(honest.current()?.version).toBe(2);
    // Another resource's enforcer (its own resourceId) refuses this resource's bundle.
    const other = fresh({ resourceId: "res_someone_else" });
    await other.start();
    expect(other.current()).toBeUndefined();
    expect(rejections.at(-1)?.code).toBe("wrong_resource");
    const { resourceId: _omit, ...withoutResource } = { url: server.url, credential: secret, jwks, resourceId };
    expect(() => createConfigClient(withoutResource as Parameters<typeof createConfigClient>[0])).toThrow(
      /resourceId is required/,
    );
  });
});
