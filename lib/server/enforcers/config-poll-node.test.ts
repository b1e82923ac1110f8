import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as jwksRoute } from "@/app/.well-known/portcullis-jwks.json/route";
import { GET as configRoute } from "@/app/api/v1/enforcer/config/route";
import { createConfigClient } from "@/lib/enforcer/config/client";
import { publishConfig } from "../config/publish";
import { API_SECURITY_HEADERS } from "../http/api-headers";
import { longPollsHeld } from "./config-poll";
import { handleConfigRequest, CONFIG_API_PATH as PATH } from "./config-poll-node";
import { createCredential } from "./credentials";
import { createTestResource, draftWith, setDraft, testActor, testCtx } from "./test-fixtures";
import { serveRoutes } from "./test-http";

/**
 * Issue 17: scripts/serve.mjs answers the config long-poll itself (config-poll-node.ts), before Next's
 * router. Same code as the route handler, another transport: every answer here must match the route
 * handler's (status, the API's headers, body), and the direct path must add the static /api headers
 * next.config.ts adds for Next's answers, and end a long-poll whose client went away.
 */
let direct: Server;
let directUrl = "";
let routes: Awaited<ReturnType<typeof serveRoutes>>;
let resourceId = "";
let secret = "";
let credentialId = "";

beforeAll(async () => {
  direct = createServer((req, res) => void handleConfigRequest(req, res));
  await new Promise<void>((resolve) => direct.listen(0, "127.0.0.1", resolve));
  directUrl = `http://127.0.0.1:${(direct.address() as AddressInfo).port}`;
  routes = await serveRoutes({
    "GET /api/v1/enforcer/config": configRoute,
    "GET /.well-known/portcullis-jwks.json": jwksRoute,
  });
  ({ resourceId } = await createTestResource());
  const issued = await createCredential(testActor, { resourceId, name: "direct" }, testCtx);
  secret = issued.secret;
  credentialId = issued.credential.id;
});

afterAll(async () => {
  direct.closeAllConnections();
  await new Promise<void>((resolve) => direct.close(() => resolve()));
  await routes.close();
});

/** The headers the config API itself sets (not the transport's: date, connection, transfer coding). */
const API_HEADERS = [
  "content-type",
  "cache-control",
  "vary",
  "etag",
  "x-portcullis-config-version",
  "retry-after",
  "www-authenticate",
];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Both transports' answers to the same request, with what must match picked out. */
async function both(path: string, headers: Record<string, string> = {}) {
  const [viaNext, viaDirect] = [await get(routes.url, path, headers), await get(directUrl, path, headers)];
  const api = (a: Answer) => ({
    status: a.status,
    headers: Object.fromEntries(API_HEADERS.map((h) => [h, a.headers[h]])),
    // Error bodies carry a request id of their own: compare the rest.
    body: a.headers["content-type"] === "application/json" ? { ...JSON.parse(a.body).error, requestId: 0 } : a.body,
  });
  return { viaNext, viaDirect, same: [api(viaNext), api(viaDirect)] as const };
}

const bearer = () => ({ authorization: `Bearer ${secret}` });

describe("the config API straight from node:http (scripts/serve.mjs) answers as the route handler does", () => {
  it("401 without or with a wrong credential, 404 before the first publish, 400 for a bad wait", async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer pcl_nope_nope" },
      { authorization: "Basic x" },
    ];
    for (const headers of refused) {
      const { same, viaDirect } = await both(PATH, headers);
      expect(same[1]).toEqual(same[0]);
      expect(viaDirect.status).toBe(401);
      expect(viaDirect.headers["www-authenticate"]).toBe('Bearer realm="portcullis", error="invalid_token"');
    }
    const unpublished = await both(PATH, bearer());
    expect(unpublished.same[1]).toEqual(unpublished.same[0]);
    expect(unpublished.viaDirect.status).toBe(404);
    await publishConfig(testActor, { resourceId, note: "v1" }, testCtx);
    const badWait = await both(`${PATH}?wait=soon`, bearer());
    expect(badWait.same[1]).toEqual(badWait.same[0]);
    expect(badWait.viaDirect.status).toBe(400);
    expect(JSON.parse(badWait.viaDirect.body).error.code).toBe("bad_request");
  });

  it("200 with the bundle and its signed latest version, 304 for the current ETag, the /api security headers", async () => {
    const ok = await both(PATH, bearer());
    expect(ok.same[1]).toEqual(ok.same[0]);
    expect(ok.viaDirect.status).toBe(200);
    expect(ok.viaDirect.headers["content-type"]).toBe("application/jose");
    expect(ok.viaDirect.headers["content-length"]).toBe(String(Buffer.byteLength(ok.viaDirect.body)));
    expect(ok.viaDirect.headers["x-portcullis-latest-version"]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const { key, value } of API_SECURITY_HEADERS) expect(ok.viaDirect.headers[key]).toBe(value);
    expect(ok.viaDirect.headers["strict-transport-security"]).toBeUndefined();
    const tls = await get(directUrl, PATH, { ...bearer(), "x-forwarded-proto": "https" });
    expect(tls.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");

    const etag = String(ok.viaDirect.headers.etag);
    const unchanged = await both(`${PATH}?wait=0`, { ...bearer(), "if-none-match": etag });
    expect(unchanged.same[1]).toEqual(unchanged.same[0]);
    expect(unchanged.viaDirect.status).toBe(304);
    expect(unchanged.viaDirect.body).toBe("");
  });

  it("holds a long-poll until a publish, and frees the credential's slot when the client goes away", async () => {
    const etag = String((await get(directUrl, PATH, bearer())).headers.etag);
    const waiting = get(directUrl, `${PATH}?wait=20`, { ...bearer(), "if-none-match": etag });
    await expect.poll(() => longPollsHeld(credentialId)).toBe(1);
    await setDraft(resourceId, draftWith({ tools: [{ name: "search", enabled: true, scopes: [] }] }));
    await publishConfig(testActor, { resourceId, note: "v2" }, testCtx);
    const woken = await waiting;
    expect(woken.status).toBe(200);
    expect(woken.headers["x-portcullis-config-version"]).toBe("2");
    expect(longPollsHeld(credentialId)).toBe(0);

    // A client that hangs up mid-poll: the poll ends at once (the slot is free again), not after 20 s.
    const gone = httpRequest(`${directUrl}${PATH}?wait=20`, {
      headers: { ...bearer(), "if-none-match": String(woken.headers.etag) },
    });
    gone.on("error", () => undefined);
    gone.end();
    await expect.poll(() => longPollsHeld(credentialId)).toBe(1);
    gone.destroy();
    await expect.poll(() => longPollsHeld(credentialId), { timeout: 2000 }).toBe(0);
  });

  it("keeps the real config client in step", async () => {
    const jwks = (await (await fetch(`${routes.url}/.well-known/portcullis-jwks.json`)).json()) as JSONWebKeySet;
    const client = createConfigClient({ url: directUrl, credential: secret, jwks, resourceId, waitSec: 20 });
    try {
      await client.start();
      expect(client.current()?.version).toBe(2);
      await setDraft(resourceId, draftWith({ tools: [{ name: "fetch", enabled: true, scopes: [] }] }));
      await publishConfig(testActor, { resourceId, note: "v3" }, testCtx);
      await expect.poll(() => client.current()?.version, { timeout: 5000 }).toBe(3);
      expect(client.policy()?.tools.map((t) => t.name)).toEqual(["fetch"]);
    } finally {
      client.stop();
    }
  });
});
