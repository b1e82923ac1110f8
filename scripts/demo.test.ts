/**
 * `npm run demo`, asserted: the real test IdP, the real SDK server and client, the enforcer in between.
 * Standalone with the in-code policy, and managed by a loopback control plane that serves a signed
 * config bundle and receives the telemetry batches (the config and telemetry clients' real protocol).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ENTRA_TENANT } from "../e2e/idp/token-shapes.js";
import {
  type DecisionColumns,
  decodeDecisionColumns,
  EnforcerPolicy,
  type TelemetryEvent,
} from "../lib/enforcer/index.js";
import { controlPlaneFromEnv } from "./demo/control-plane.js";
import { formatReport } from "./demo/report.js";
import { type DemoResult, runDemo } from "./demo/run.js";

const EXPECTED: [string, number, string | undefined][] = [
  ["list tools (token with mcp:tools)", 200, undefined],
  ["call read_file (allowed)", 200, undefined],
  ["call delete_file (not in the allowlist)", 403, "tool_not_allowed"],
  ["list tools with only mcp:resources", 403, "insufficient_scope"],
  ["token expired 2 minutes ago", 401, "token_expired"],
  ["token for another API (wrong aud)", 401, "audience_mismatch"],
  ["no token at all", 401, "token_missing"],
  ["headless agent: 401 → discovery → IdP token", 200, undefined],
  // Issue 13 #1: one OBO exchange (then a cache hit), so the OBO panel has data.
  ["on-behalf-of exchange for demo-downstream (then from the cache)", 200, undefined],
];

describe("the demo, standalone", () => {
  let result: DemoResult;
  beforeAll(async () => {
    result = await runDemo();
  });

  it("gets the answer the policy requires in every scenario, with the enforcer's status and reason", () => {
    expect(result.mode).toBe("standalone");
    expect(result.outcomes.map((o) => [o.scenario, o.status, o.reason])).toEqual(EXPECTED);
    expect(result.outcomes.every((o) => o.ok)).toBe(true);
  });

  it("shows the filtered tool list, the tool result and the challenges", () => {
    const [list, call, , scope, expired] = result.outcomes;
    // The SDK v2 server (issue 22) answers the demo's SDK 1.32 client over 2025-11-25.
    expect(list?.detail).toContain(
      "sees [read_file, search] of the server's [read_file, search, delete_file, archive_file]",
    );
    expect(call?.detail).toContain("[read as alice]");
    expect(scope?.challenge).toContain('error="insufficient_scope"');
    // The step-up keeps the token's mcp:resources and adds mcp:tools (issue 20).
    expect(scope?.challenge).toContain('scope="mcp:resources mcp:tools"');
    expect(expired?.challenge).toContain('error="invalid_token"');
    expect(result.decisions.byReason).toMatchObject({ tool_not_allowed: 1, token_expired: 1, audience_mismatch: 1 });
    const report = formatReport(result);
    for (const [name] of EXPECTED) expect(report).toContain(name);
    expect(report).toContain("all 9 scenarios answered as the policy requires");
  });
});

describe("the demo on the SDK 1.x sample server", () => {
  it("still answers every scenario as the policy requires", async () => {
    const result = await runDemo({ serverSdk: 1 });
    expect(result.outcomes.map((o) => [o.scenario, o.status, o.reason])).toEqual(EXPECTED);
    expect(result.outcomes[0]?.detail).toContain("of the server's [read_file, search, delete_file]");
  });
});

describe("the demo, managed by a control plane", () => {
  const events: TelemetryEvent[] = [];
  const sockets = new Set<Socket>();
  let controlPlane: Server;
  let url = "";
  let jws = "";
  let jwks: unknown;
  let idpPort = 0;
  let serverPort = 0;

  async function freePort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  beforeAll(async () => {
    [idpPort, serverPort] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${idpPort}/${DEFAULT_ENTRA_TENANT}/v2.0`;
    const policy = EnforcerPolicy.parse({
      resource: { uri: `http://127.0.0.1:${serverPort}/mcp`, name: "files" },
      idp: {
        kind: "entra",
        issuers: [issuer],
        jwksUri: `${issuer}/jwks`,
        audiences: ["api://portcullis-test"],
        authorizationServers: [issuer],
      },
      tools: [{ name: "read_file" }, { name: "search" }],
    });
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "cp-1", alg: "ES256", use: "sig" }] };
    const bundle = {
      version: 3,
      resourceId: "res-demo",
      publishedAt: new Date().toISOString(),
      publishedBy: "ops@example.test",
      policy,
    };
    jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(bundle)))
      .setProtectedHeader({ alg: "ES256", kid: "cp-1", typ: "portcullis-config+jwt" })
      .sign(privateKey);

    controlPlane = createServer(async (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      // The public JWKS needs no credential; everything else needs the enforcer credential.
      if (path === "/.well-known/portcullis-jwks.json") return void res.end(JSON.stringify(jwks));
      if (req.headers.authorization !== "Bearer pcl_demo") return void res.writeHead(401).end();
      if (path === "/api/v1/enforcer/config") {
        // Long-poll: a client that already has v3 waits (until the socket is destroyed at the end).
        if (req.headers["if-none-match"] === '"v3"') return;
        // The signed latest-version announcement the real control plane sends (issue 10 #6).
        const latest = await new CompactSign(
          new TextEncoder().encode(
            JSON.stringify({ resourceId: "res-demo", version: 3, iat: Math.floor(Date.now() / 1000) }),
          ),
        )
          .setProtectedHeader({ alg: "ES256", kid: "cp-1", typ: "portcullis-latest+jwt" })
          .sign(privateKey);
        const headers = { "content-type": "application/jose", etag: '"v3"', "x-portcullis-latest-version": latest };
        return void res.writeHead(200, headers).end(jws);
      }
      if (path === "/api/v1/enforcer/heartbeat") return void res.writeHead(200).end("{}");
      if (path === "/api/v1/telemetry" && req.method === "POST") {
        const raw = await readBody(req);
        const text = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw).toString() : raw.toString();
        const batch = JSON.parse(text) as { events: TelemetryEvent[]; decisions?: DecisionColumns };
        if (batch.decisions)
          events.push(...(decodeDecisionColumns(batch.decisions, 1000) as unknown as TelemetryEvent[]));
        events.push(...batch.events);
        return void res.writeHead(202).end("{}");
      }
      res.writeHead(404).end();
    });
    controlPlane.on("connection", (s: Socket) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => controlPlane.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(controlPlane.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => controlPlane.close(resolve));
  });

  it("reads its settings from PORTCULLIS_URL, PORTCULLIS_CREDENTIAL and PORTCULLIS_RESOURCE_ID, else stays standalone", () => {
    expect(controlPlaneFromEnv({})).toBeUndefined();
    expect(controlPlaneFromEnv({ PORTCULLIS_URL: url })).toBeUndefined();
    expect(() => controlPlaneFromEnv({ PORTCULLIS_URL: url, PORTCULLIS_CREDENTIAL: "pcl_demo" })).toThrow(
      /PORTCULLIS_RESOURCE_ID is required/,
    );
    const env = { PORTCULLIS_URL: url, PORTCULLIS_CREDENTIAL: "pcl_demo", PORTCULLIS_RESOURCE_ID: "res-demo" };
    expect(controlPlaneFromEnv(env)).toEqual({ url, credential: "pcl_demo", resourceId: "res-demo" });
  });

  it("enforces the signed bundle's policy and ships its decisions as telemetry", async () => {
    const lines: string[] = [];
    const result = await runDemo({
      controlPlane: { url, credential: "pcl_demo", resourceId: "res-demo" },
      idpPort,
      log: (l) => lines.push(l),
    });
    expect(lines).toContain("config version 3 of resource res-demo, published by ops@example.test");
    expect(result.mode).toBe("control plane");
    expect(result.resourceUri).toBe(`http://127.0.0.1:${serverPort}/mcp`);
    expect(result.outcomes.map((o) => [o.scenario, o.status, o.reason])).toEqual(EXPECTED);
    // close() flushed the queue: the control plane got every decision the enforcer made.
    const decisions = events.filter((e) => e.type === "decision");
    expect(decisions).toHaveLength(result.decisions.allow + result.decisions.deny);
    expect(decisions.some((e) => e.type === "decision" && e.reason === "tool_not_allowed")).toBe(true);
    // The OBO exchange and its cache hit reached the control plane's telemetry.
    const obo = events.filter((e) => e.type === "obo_exchange");
    expect(obo.map((e) => e.type === "obo_exchange" && [e.outcome, e.cacheHit])).toEqual([
      ["ok", false],
      ["ok", true],
    ]);
  });
});
