import { createServer, request as httpRequest, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as heartbeatRoute } from "@/app/api/v1/enforcer/heartbeat/route";
import { API_SECURITY_HEADERS } from "../http/api-headers";
import { createCredential } from "./credentials";
import { handleHeartbeatRequest, HEARTBEAT_API_PATH as PATH } from "./heartbeat-node";
import { instanceKey, listInstances } from "./instances";
import { createTestResource, testActor, testCtx } from "./test-fixtures";
import { serveRoutes } from "./test-http";

/**
 * Issue 17: scripts/serve.mjs answers enforcer heartbeats itself (heartbeat-node.ts), before Next's router.
 * Every answer must match the route handler's (status, the API's headers, body), with the static /api
 * headers next.config.ts adds for Next's answers.
 */
let direct: Server;
let directUrl = "";
let routes: Awaited<ReturnType<typeof serveRoutes>>;
let resourceId = "";
let secret = "";

beforeAll(async () => {
  direct = createServer((req, res) => void handleHeartbeatRequest(req, res));
  await new Promise<void>((resolve) => direct.listen(0, "127.0.0.1", resolve));
  directUrl = `http://127.0.0.1:${(direct.address() as AddressInfo).port}`;
  routes = await serveRoutes({ "POST /api/v1/enforcer/heartbeat": heartbeatRoute });
  ({ resourceId } = await createTestResource());
  secret = (await createCredential(testActor, { resourceId, name: "direct" }, testCtx)).secret;
});

afterAll(async () => {
  direct.closeAllConnections();
  await new Promise<void>((resolve) => direct.close(() => resolve()));
  await routes.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(base: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${PATH}`, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const API_HEADERS = ["content-type", "cache-control", "retry-after", "www-authenticate"];

async function both(headers: Record<string, string>, body: string) {
  const viaNext = await post(routes.url, headers, body);
  const viaDirect = await post(directUrl, headers, body);
  const api = (a: Answer) => {
    const parsed = JSON.parse(a.body) as { error?: Record<string, unknown> };
    return {
      status: a.status,
      headers: Object.fromEntries(API_HEADERS.map((h) => [h, a.headers[h]])),
      // Error bodies carry a request id of their own: compare the rest.
      body: parsed.error ? { ...parsed.error, requestId: 0 } : parsed,
    };
  };
  return { viaDirect, same: [api(viaNext), api(viaDirect)] as const };
}

const beat = (instanceId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    instanceId,
    host: "h.local",
    moduleVersion: "1.0.0",
    appliedVersion: null,
    lastError: null,
    ...extra,
  });
const json = (over: Record<string, string> = {}) => ({
  authorization: `Bearer ${secret}`,
  "content-type": "application/json",
  ...over,
});

describe("heartbeats straight from node:http (scripts/serve.mjs) answer as the route handler does", () => {
  it("200 with the latest version, the instance recorded, the /api security headers", async () => {
    const ok = await both(json(), beat("direct-1"));
    expect(ok.same[1]).toEqual(ok.same[0]);
    expect(ok.viaDirect.status).toBe(200);
    expect(JSON.parse(ok.viaDirect.body)).toEqual({ ok: true, latestVersion: null });
    for (const { key, value } of API_SECURITY_HEADERS) expect(ok.viaDirect.headers[key]).toBe(value);
    const listed = await listInstances(resourceId);
    expect(listed.map((i) => i.instanceId)).toContain("direct-1");
    expect(instanceKey(resourceId, "direct-1")).toBe(`${resourceId}/direct-1`);
  });

  it("401, 415, 413, 400 (not JSON) and 422 (not a heartbeat) alike", async () => {
    const cases: [Record<string, string>, string, number][] = [
      [json({ authorization: "Bearer pcl_nope_nope" }), beat("x"), 401],
      [{ "content-type": "application/json" }, beat("x"), 401],
      [json({ "content-type": "text/plain" }), beat("x"), 415],
      [json(), beat("x", { lastError: "e".repeat(9000) }), 413],
      [json(), "{not json", 400],
      [json(), JSON.stringify({ instanceId: 5 }), 422],
    ];
    for (const [headers, body, status] of cases) {
      const { same, viaDirect } = await both(headers, body);
      expect(same[1], `${status}: ${body.slice(0, 40)}`).toEqual(same[0]);
      expect(viaDirect.status).toBe(status);
    }
  });

  it("answers before a large body arrives: 401 without a credential, 413 with one (from the declared length)", async () => {
    const { port } = direct.address() as AddressInfo;
    const firstLine = (authorization: string) =>
      new Promise<string>((resolve) => {
        let answer = "";
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(
            `POST ${PATH} HTTP/1.1\r\nHost: x\r\n${authorization}Content-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
          );
          socket.write("x".repeat(1024));
        });
        const timer = setTimeout(() => socket.destroy(), 3_000);
        socket.on("data", (d: Buffer) => {
          answer += d.toString("latin1");
          if (answer.includes("\r\n")) {
            clearTimeout(timer);
            socket.destroy();
          }
        });
        socket.on("close", () => resolve(answer.split("\r\n")[0] ?? ""));
      });
    expect(await firstLine("")).toBe("HTTP/1.1 401 Unauthorized");
    expect(await firstLine(`Authorization: Bearer ${secret}\r\n`)).toBe("HTTP/1.1 413 Payload Too Large");
  });
});
