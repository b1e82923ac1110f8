import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompactSign } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { EnforcerPolicy } from "../policy.js";
import {
  bundleFor,
  type ConfigServer,
  createSigner,
  signBundle,
  startConfigServer,
  type TestSigner,
} from "../test-utils/config-server.js";
import { testPolicy } from "../test-utils/policy.js";
import { type ConfigClient, createConfigClient } from "./client.js";
import type { ConfigRejection } from "./verify.js";

const policyWith = (tools: string[]) => testPolicy("https://idp.test/jwks", { tools: tools.map((name) => ({ name })) });
const toolNames = (client: ConfigClient) => client.policy()?.tools.map((t) => t.name);

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const signer = await createSigner("cp-1");
  const server = await startConfigServer({ announcer: signer });
  cleanups.push(() => server.close());
  const dir = mkdtempSync(join(tmpdir(), "pcl-config-"));
  const rejections: ConfigRejection[] = [];
  const updates: number[] = [];
  const start = (extra: Partial<Parameters<typeof createConfigClient>[0]> = {}) => {
    const client = createConfigClient({
      url: server.url,
      credential: "pcl_0123456789ab_test",
      jwks: { keys: [signer.publicJwk] },
      resourceId: "res-1",
      cacheFile: join(dir, "config.jws"),
      onReject: (r) => rejections.push(r),
      onUpdate: (b) => updates.push(b.version),
      backoff: { minMs: 10, maxMs: 50 },
      ...extra,
    });
    cleanups.push(() => client.stop());
    return client;
  };
  server.publish(await signBundle(signer, bundleFor(1, policyWith(["search", "delete_file"]))), '"v1"');
  return { signer, server, dir, rejections, updates, start };
}

/** Publish a bad bundle after v1 and check it is refused while v1 stays in force. */
async function expectRefused(server: ConfigServer, client: ConfigClient, rejections: ConfigRejection[], jws: string) {
  const before = client.current();
  server.publish(jws, '"bad"');
  await until(() => rejections.length > 0, "a rejection");
  expect(client.current()).toBe(before);
  expect(toolNames(client)).toEqual(["search", "delete_file"]);
  // The next poll names the refused ETag, so the server holds it instead of resending the bad bundle.
  await until(() => (server.requests.at(-1)?.ifNoneMatch ?? "").includes('"bad"'), "a poll naming the bad ETag");
  return rejections[0];
}

describe("config client", () => {
  it("applies the first bundle, then a new one as soon as it is published, and caches it", async () => {
    const { signer, server, dir, updates, start } = await setup();
    const client = start();
    await client.start();
    expect(client.current()?.version).toBe(1);
    expect(server.requests[0]?.authorization).toBe("Bearer pcl_0123456789ab_test");
    await until(() => server.requests.at(-1)?.ifNoneMatch === '"v1"', "the long-poll");
    const v2 = await signBundle(signer, bundleFor(2, policyWith(["search"])));
    server.publish(v2, '"v2"');
    await until(() => client.current()?.version === 2, "version 2");
    expect(toolNames(client)).toEqual(["search"]);
    expect(updates).toEqual([1, 2]);
    await until(() => readFileSync(join(dir, "config.jws"), "utf8") === v2, "the cache file");
  });

  // Issue 10 #6: a fresh start (no cache) must not take an old bundle the control plane has superseded.
  it("refuses a bundle older than the signed latest version, and an answer without one", async () => {
    const { server, rejections, start } = await setup();
    server.announcedVersion = 3; // the control plane has published 3; someone serves the old, validly signed 1
    const fresh = start({ cacheFile: undefined });
    await fresh.start();
    expect(fresh.current()).toBeUndefined();
    expect(rejections.at(-1)).toMatchObject({ code: "stale_version", version: 1 });
    fresh.stop();
    server.announcedVersion = undefined;
    server.announcer = undefined;
    const unannounced = start({ cacheFile: undefined });
    await unannounced.start();
    expect(unannounced.current()).toBeUndefined();
    expect(rejections.at(-1)?.code).toBe("unannounced");
    expect(() => start({ resourceId: "" })).toThrow(/resourceId is required/);
  });

  it("refuses a tampered bundle and keeps the previous version", async () => {
    const { signer, server, rejections, start } = await setup();
    const client = start();
    await client.start();
    const good = await signBundle(signer, bundleFor(2, policyWith(["search", "delete_file", "exfiltrate"])));
    const [header, , signature] = good.split(".");
    const forged = Buffer.from(JSON.stringify({ ...bundleFor(2, policyWith(["exfiltrate"])) })).toString("base64url");
    const rejection = await expectRefused(server, client, rejections, `${header}.${forged}.${signature}`);
    expect(rejection?.code).toBe("bad_signature");
  });

  it("refuses a bundle signed by another key, with a foreign kid or with a pinned kid", async () => {
    const { server, rejections, start } = await setup();
    const client = start();
    await client.start();
    const attacker = await createSigner("attacker");
    const foreign = await signBundle(attacker, bundleFor(2, policyWith(["exfiltrate"])));
    expect((await expectRefused(server, client, rejections, foreign))?.code).toBe("unknown_key");
    rejections.length = 0;
    const impostor: TestSigner = await createSigner("cp-1"); // same kid, another key
    const sameKid = await signBundle(impostor, bundleFor(3, policyWith(["exfiltrate"])));
    server.publish(sameKid, '"bad2"');
    await until(() => rejections.length > 0, "a rejection");
    expect(rejections[0]?.code).toBe("bad_signature");
    expect(client.current()?.version).toBe(1);
  });

  it("refuses a correctly signed bundle that fails the schema", async () => {
    const { signer, server, rejections, start } = await setup();
    const client = start();
    await client.start();
    const broken = { ...bundleFor(2, policyWith(["search"])), policy: { ...policyWith([]), unlistedTools: "maybe" } };
    const rejection = await expectRefused(server, client, rejections, await signBundle(signer, broken));
    expect(rejection?.code).toBe("invalid_schema");
    expect(rejection?.message).toMatch(/unlistedTools/);
    expect(rejection?.version).toBe(2);
  });

  it("refuses an unsigned bundle (alg none), an HMAC one and a wrong typ", async () => {
    const { signer, server, rejections, start } = await setup();
    const client = start();
    await client.start();
    const payload = Buffer.from(JSON.stringify(bundleFor(2, policyWith(["exfiltrate"])))).toString("base64url");
    const noneHeader = Buffer.from(JSON.stringify({ alg: "none", typ: "portcullis-config+jwt" })).toString("base64url");
    expect((await expectRefused(server, client, rejections, `${noneHeader}.${payload}.`))?.code).toBe("unsigned");
    rejections.length = 0;
    const hmac = await new CompactSign(new TextEncoder().encode(JSON.stringify(bundleFor(3, policyWith([])))))
      .setProtectedHeader({ alg: "HS256", kid: "cp-1", typ: "portcullis-config+jwt" })
      .sign(new TextEncoder().encode("x".repeat(32)));
    server.publish(hmac, '"hmac"');
    await until(() => rejections.length > 0, "a rejection");
    expect(rejections[0]?.code).toBe("alg_not_allowed");
    rejections.length = 0;
    server.publish(await signBundle(signer, bundleFor(4, policyWith([])), { typ: "JWT" }), '"typ"');
    await until(() => rejections.length > 0, "a rejection");
    expect(rejections[0]?.code).toBe("wrong_type");
    expect(client.current()?.version).toBe(1);
  });

  it("refuses an older version and another resource's bundle", async () => {
    const { signer, server, rejections, start } = await setup();
    const client = start();
    await client.start();
    server.publish(await signBundle(signer, bundleFor(5, policyWith(["search"]))), '"v5"');
    await until(() => client.current()?.version === 5, "version 5");
    const older = await signBundle(signer, bundleFor(4, policyWith(["search", "exfiltrate"])));
    server.publish(older, '"v4"');
    await until(() => rejections.length > 0, "a rejection");
    expect(rejections[0]?.code).toBe("stale_version");
    server.publish(await signBundle(signer, bundleFor(6, policyWith([]), "res-other")), '"other"');
    await until(() => rejections.length > 1, "a second rejection");
    expect(rejections[1]?.code).toBe("wrong_resource");
    expect(client.current()?.version).toBe(5);
    expect(client.lastError()).toMatch(/wrong_resource/);
  });

  it("restarts from the cache file when the control plane is down, and refuses a tampered cache", async () => {
    const { server, dir, start } = await setup();
    const first = start();
    await first.start();
    first.stop();
    const cacheFile = join(dir, "config.jws");
    expect(readFileSync(cacheFile, "utf8").split(".")).toHaveLength(3);
    await server.close();
    const errors: Error[] = [];
    const restarted = start({ onError: (e) => errors.push(e) });
    await restarted.start();
    expect(restarted.current()?.version).toBe(1);
    expect(toolNames(restarted)).toEqual(["search", "delete_file"]);
    expect(errors.length).toBeGreaterThan(0);
    restarted.stop();

    // A cache edited on disk (here: re-signed by another key) is refused; nothing is enforced.
    writeFileSync(cacheFile, await signBundle(await createSigner("cp-1"), bundleFor(9, policyWith([]))));
    const rejected: ConfigRejection[] = [];
    const third = start({ onReject: (r) => rejected.push(r) });
    await third.start();
    expect(third.current()).toBeUndefined();
    expect(rejected[0]?.code).toBe("bad_signature");
  });

  it("recovers after the control plane answers errors, and sends heartbeats with the applied version", async () => {
    const { signer, server, start } = await setup();
    server.mode = "down";
    const errors: Error[] = [];
    const client = start({
      onError: (e) => errors.push(e),
      heartbeat: { instanceId: "web-1", host: "web-1.local", moduleVersion: "1.2.3", intervalMs: 50 },
    });
    await client.start();
    expect(client.current()).toBeUndefined();
    expect(client.lastError()).toMatch(/503/);
    await until(() => errors.length >= 3, "retries");
    server.mode = "ok";
    await until(() => client.current()?.version === 1, "recovery");
    server.publish(await signBundle(signer, bundleFor(2, policyWith(["search"]))), '"v2"');
    await until(() => server.heartbeats.some((h) => h.appliedVersion === 2), "a heartbeat for v2");
    expect(server.heartbeats.at(-1)).toMatchObject({
      instanceId: "web-1",
      host: "web-1.local",
      moduleVersion: "1.2.3",
      lastError: null,
    });
  });

  it("reports applied bundles in one heartbeat, a fifth to all of afterApplyMaxDelayMs later, not at once", async () => {
    const { signer, server, start } = await setup();
    const client = start({
      heartbeat: {
        instanceId: "web-2",
        host: "web-2.local",
        moduleVersion: "1.2.3",
        intervalMs: 3_600_000,
        afterApplyMaxDelayMs: 2_500,
      },
    });
    await client.start();
    await until(() => server.heartbeats.length === 1, "the heartbeat at start");
    expect(server.heartbeats[0]).toMatchObject({ instanceId: "web-2", appliedVersion: 1 });
    server.publish(await signBundle(signer, bundleFor(2, policyWith(["search"]))), '"v2"');
    await until(() => client.current()?.version === 2, "v2 applied");
    const applied = Date.now();
    server.publish(await signBundle(signer, bundleFor(3, policyWith(["read_file"]))), '"v3"');
    await until(() => client.current()?.version === 3, "v3 applied");
    // Not at once: the report waits at least a fifth of the maximum (500 ms).
    expect(server.heartbeats).toHaveLength(1);
    await until(() => server.heartbeats.length === 2, "the report of the applied bundles", 4_000);
    const waited = Date.now() - applied;
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(3_500);
    // One report for both bundles, with the state when it went out.
    expect(server.heartbeats[1]).toMatchObject({ instanceId: "web-2", appliedVersion: 3, lastError: null });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.heartbeats).toHaveLength(2);
  });

  it("refuses an afterApplyMaxDelayMs that is not 0 to 300,000 ms when it is created", () => {
    for (const afterApplyMaxDelayMs of [-1, Number.NaN, 300_001, Number.POSITIVE_INFINITY]) {
      expect(() =>
        createConfigClient({
          url: "http://127.0.0.1:9",
          credential: "pcl_x",
          jwks: { keys: [] },
          resourceId: "res_1",
          heartbeat: { instanceId: "a", host: "a", moduleVersion: "1", afterApplyMaxDelayMs },
        }),
      ).toThrow(/afterApplyMaxDelayMs/);
    }
  });

  it("with a JWKS URL, follows a signing-key rotation and refuses keys the URL does not list", async () => {
    const { signer, server, rejections, start } = await setup();
    const keys = { keys: [signer.publicJwk] };
    const jwksServer = await import("node:http").then(({ createServer }) => {
      const s = createServer((_req, res) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(keys)),
      );
      return new Promise<import("node:http").Server>((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
    });
    cleanups.push(() => new Promise((r) => jwksServer.close(r)));
    const port = (jwksServer.address() as import("node:net").AddressInfo).port;
    const client = start({ jwks: `http://127.0.0.1:${port}/.well-known/portcullis-jwks.json` });
    await client.start();
    expect(client.current()?.version).toBe(1);
    const rotated = await createSigner("cp-2");
    keys.keys.push(rotated.publicJwk);
    server.publish(await signBundle(rotated, bundleFor(2, policyWith(["search"]))), '"v2"');
    await until(() => client.current()?.version === 2, "version 2 signed by the rotated key");
    server.publish(await signBundle(await createSigner("cp-3"), bundleFor(3, policyWith([]))), '"v3"');
    await until(() => rejections.length > 0, "a rejection");
    expect(rejections[0]?.code).toBe("unknown_key");
    expect(EnforcerPolicy.safeParse(client.policy()).success).toBe(true);
  });
});
